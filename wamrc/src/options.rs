//! `wamrc`'s command line, in WAMR's spelling: `wamrc [options] -o <out.aot> <in.wasm>`.

use std::ffi::OsString;
use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `--help`.
    Help,
    /// `--version`.
    Version,
    /// `--target=help`.
    ListTargets,
    /// Compile a module.
    Compile(Options),
}

/// A compilation.
#[derive(Debug, PartialEq)]
pub struct Options {
    /// The wasm module.
    pub input: PathBuf,
    /// The image to write.
    pub output: PathBuf,
    /// `-v`: report sizes and time.
    pub verbose: bool,
    /// `--format=object`: an ELF relocatable holding the image instead of the image.
    pub object: bool,
}

/// The usage text.
pub const USAGE: &str = "\
Usage: wamrc [options] -o output_file wasm_file
  --target=<arch>          Target architecture: x86_64 (--target=help lists them)
  --cpu=<cpu>              Target CPU: generic (the only one so far)
  --cpu-features=<list>    Optional ISA extensions (none are used so far; empty only)
  --opt-level=n            Optimisation level 0 to 3 (default 3; one level so far)
  --bounds-checks=1        Compare every memory access with the memory's length
                           (the only mode so far: images run with any memory)
  --format=<aot|object>    Output: an AOT image (default), or an ELF relocatable
                           holding it (symbols <name>_aot and <name>_aot_len)
  --disable-simd           Accepted: SIMD is not supported anyway
  -v                       Report sizes and compile time
  --version                Show the version
  -h, --help               Show this help
";

/// `--target=help`.
pub const TARGETS: &str = "\
Targets:
  x86_64 (also: x86-64, amd64)
  aarch64 (also: aarch64v8, arm64): not yet (comes with the AArch64 back end)
";

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let (mut input, mut output, mut verbose, mut object) = (None, None, false, false);
    while let Some(arg) = args.next() {
        let text = arg
            .to_str()
            .ok_or_else(|| format!("argument is not UTF-8: {}", arg.to_string_lossy()))?;
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        match (name, value) {
            ("-h" | "--help", None) => return Ok(Command::Help),
            ("--version", None) => return Ok(Command::Version),
            ("-v", _) => verbose = true,
            ("-o", None) => {
                let path = args.next().ok_or("option -o needs a file name")?;
                output = Some(PathBuf::from(path));
            }
            ("--target", Some("help")) => return Ok(Command::ListTargets),
            ("--target", Some("x86_64" | "x86-64" | "amd64")) => {}
            ("--target", Some("aarch64" | "aarch64v8" | "arm64")) => {
                return Err("target aarch64 is not supported yet (x86_64 only)".into())
            }
            ("--target", Some(other)) => {
                return Err(format!("unknown target {other} (see --target=help)"))
            }
            ("--cpu", Some("generic" | "native" | "x86-64")) => {}
            ("--cpu", Some(other)) => return Err(format!("unknown CPU {other}")),
            ("--cpu-features", Some("")) => {}
            ("--cpu-features", Some(other)) => {
                return Err(format!("CPU features {other} are not supported yet"))
            }
            ("--opt-level", Some("0" | "1" | "2" | "3")) => {}
            ("--opt-level", Some(other)) => {
                return Err(format!("invalid --opt-level={other} (0 to 3)"))
            }
            ("--bounds-checks", Some("1")) => {}
            ("--bounds-checks", Some(other)) => {
                return Err(format!(
                    "--bounds-checks={other} is not supported yet (images compare every access)"
                ))
            }
            ("--format", Some("aot")) => object = false,
            ("--format", Some("object")) => object = true,
            ("--format", Some(other)) => {
                return Err(format!("unknown output format {other} (aot or object)"))
            }
            ("--disable-simd", None) => {}
            _ if name.starts_with('-') => return Err(format!("unknown option {text}")),
            _ => {
                if input.replace(PathBuf::from(&arg)).is_some() {
                    return Err("more than one input file".into());
                }
            }
        }
    }
    Ok(Command::Compile(Options {
        input: input.ok_or("no input file")?,
        output: output.ok_or("no output file (-o)")?,
        verbose,
        object,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn wamr_spellings() {
        let command = parse_strs(&[
            "--target=x86_64",
            "--opt-level=3",
            "--bounds-checks=1",
            "--format=aot",
            "-o",
            "out.aot",
            "in.wasm",
        ]);
        assert_eq!(
            command,
            Ok(Command::Compile(Options {
                input: "in.wasm".into(),
                output: "out.aot".into(),
                verbose: false,
                object: false,
            }))
        );
        assert_eq!(parse_strs(&["--target=help"]), Ok(Command::ListTargets));
        for bad in [
            &["--target=sparc", "-o", "o", "i"][..],
            &["--target=aarch64v8", "-o", "o", "i"],
            &["--opt-level=4", "-o", "o", "i"],
            &["--format=elf", "-o", "o", "i"],
            &["-o", "o"],
            &["i"],
            &["-o", "o", "i", "j"],
        ] {
            assert!(parse_strs(bad).is_err(), "{bad:?}");
        }
    }
}
