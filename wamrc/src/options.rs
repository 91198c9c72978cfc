//! `wamrc`'s command line, in WAMR's spelling: `wamrc [options] -o <out.aot> <in.wasm>`.

use std::ffi::OsString;
use std::path::PathBuf;

use iwasm::{AotOptions, Arch, CpuFeature};

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `--help`.
    Help,
    /// `--version`.
    Version,
    /// `--target=help`: the targets, each with whether this build compiles for it.
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
    /// `--target`, `--opt-level`, `--bounds-checks`, `--cpu`, `--cpu-features`, `--fuel`.
    pub aot: AotOptions,
    /// Wasm features turned off (`--disable-bulk-memory`, `--disable-ref-types`): a module
    /// using them is refused.
    pub disabled: Vec<Disabled>,
}

/// A wasm feature WAMR's `--disable-*` flags turn off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disabled {
    /// `--disable-bulk-memory`.
    BulkMemory,
    /// `--disable-ref-types`.
    ReferenceTypes,
}

impl Disabled {
    /// The flag's name.
    pub fn flag(self) -> &'static str {
        match self {
            Disabled::BulkMemory => "--disable-bulk-memory",
            Disabled::ReferenceTypes => "--disable-ref-types",
        }
    }

    /// The wasmparser features the flag turns off.
    pub fn features(self) -> wasmparser::WasmFeatures {
        match self {
            Disabled::BulkMemory => wasmparser::WasmFeatures::BULK_MEMORY,
            Disabled::ReferenceTypes => wasmparser::WasmFeatures::REFERENCE_TYPES,
        }
    }
}

/// WAMR's `--enable-*` flags for proposals beyond what this runtime runs (WebAssembly 2.0
/// without SIMD).
const UNSUPPORTED_ENABLES: &[&str] = &[
    "--enable-multi-thread",
    "--enable-tail-call",
    "--enable-gc",
    "--enable-exce-handling",
    "--enable-memory64",
    "--enable-multi-memory",
    "--enable-shared-heap",
    "--enable-extended-const",
];

/// The usage text.
pub const USAGE: &str = "\
Usage: wamrc [options] -o output_file wasm_file
  --target=<arch>          Target architecture (default: this machine's):
                           x86_64, aarch64; --target=help lists them all
  --cpu=<cpu>              Target CPU: generic (default: any CPU of the target),
                           a model (--target=help lists them; e.g. cortex-a72
                           for a Raspberry Pi 4) or native (this machine's
                           optional extensions; the target must be this
                           machine's architecture)
  --cpu-features=<list>    Optional extensions of the target ISA the code may
                           use, e.g. +popcnt,+lzcnt,+bmi on x86_64 (the image
                           then needs them)
  --opt-level=n            Optimisation level 0 to 3 (default 3); 0 compiles as
                           the JIT does
  --bounds-checks=1|0      1: compare every memory access with the memory's
                           length (runs with any memory); 0 (default): rely on
                           the runtime's guard pages (64-bit hosts)
  --fuel                   Meter fuel in the code, for iwasm --fuel=n (the image
                           then runs only with fuel metered)
  --format=<aot|object>    Output: an AOT image (default), or an ELF relocatable
                           holding it (symbols <name>_aot and <name>_aot_len)
  --disable-bulk-memory    Refuse modules using bulk memory operations
  --disable-ref-types      Refuse modules using reference types
  --disable-simd           Accepted: SIMD is not supported anyway
  --disable-aux-stack-check  Accepted: the native stack is always checked
  --enable-dump-call-stack Accepted: traps always print the wasm backtrace
  (--enable-multi-thread, --enable-tail-call, --enable-gc, ... are refused:
   this runtime runs WebAssembly 2.0 without SIMD)
  -v                       Report sizes and compile time
  --version                Show the version
  -h, --help               Show this help
";

/// The CPU models `--cpu` names for each architecture, besides `generic` and `native`, with
/// what they are known as. None of them adds features to the generic code: the AArch64 code
/// generator uses ARMv8.0-A alone, which every Raspberry Pi with a 64-bit OS has.
const CPU_MODELS: [(Arch, &str, &str); 7] = [
    (Arch::X86_64, "x86-64", "any x86-64 CPU"),
    (Arch::Aarch64, "cortex-a53", "Raspberry Pi 3, Zero 2 W"),
    (Arch::Aarch64, "cortex-a55", "ARMv8.2-A little core"),
    (Arch::Aarch64, "cortex-a57", "ARMv8.0-A"),
    (Arch::Aarch64, "cortex-a72", "Raspberry Pi 4, 400, CM4"),
    (Arch::Aarch64, "cortex-a76", "Raspberry Pi 5, CM5"),
    (Arch::Aarch64, "neoverse-n1", "ARMv8.2-A server core"),
];

/// Whether `--cpu=name` describes a CPU of `arch`.
fn is_cpu_of(arch: Arch, name: &str) -> bool {
    name == "generic"
        || CPU_MODELS
            .iter()
            .any(|&(a, model, _)| a == arch && model == name)
}

/// The `--target=help` text: every architecture, its other spellings, its CPU models and
/// features, and whether this build has a code generator for it.
pub fn targets() -> String {
    let mut text = String::from("Targets:\n");
    for arch in Arch::ALL {
        let aliases = arch.aliases().join(", ");
        let features: Vec<&str> = arch.cpu_features().map(CpuFeature::name).collect();
        let status = if arch.has_compiler() {
            String::new()
        } else {
            String::from(": no code generator in this build yet")
        };
        text += &format!("  {} (also: {aliases}){status}\n", arch.name());
        for (_, model, known_as) in CPU_MODELS.iter().filter(|(a, ..)| *a == arch) {
            text += &format!("      --cpu={model:<12} {known_as}\n");
        }
        if !features.is_empty() {
            text += &format!("      --cpu-features: {}\n", features.join(", "));
        }
    }
    text
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let (mut input, mut output, mut verbose, mut object) = (None, None, false, false);
    let mut aot = AotOptions::default();
    let (mut cpu, mut feature_list) = (None, Vec::new());
    let mut disabled = Vec::new();
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
            ("--target", Some(name)) => {
                aot.target = Arch::from_name(name)
                    .ok_or_else(|| format!("unknown target {name} (see --target=help)"))?
            }
            ("--cpu", Some(name)) => cpu = Some(name.to_owned()),
            ("--cpu-features", Some(list)) => feature_list.push(list.to_owned()),
            ("--opt-level", Some(level @ ("0" | "1" | "2" | "3"))) => {
                aot.opt_level = level.parse().expect("a digit")
            }
            ("--opt-level", Some(other)) => {
                return Err(format!("invalid --opt-level={other} (0 to 3)"))
            }
            ("--bounds-checks", Some("1")) => aot.bounds_checks = true,
            ("--bounds-checks", Some("0")) => aot.bounds_checks = false,
            ("--bounds-checks", Some(other)) => {
                return Err(format!("invalid --bounds-checks={other} (0 or 1)"))
            }
            ("--fuel", None) => aot.fuel = true,
            ("--format", Some("aot")) => object = false,
            ("--format", Some("object")) => object = true,
            ("--format", Some(other)) => {
                return Err(format!("unknown output format {other} (aot or object)"))
            }
            ("--disable-simd" | "--disable-aux-stack-check" | "--enable-dump-call-stack", None) => {
            }
            ("--disable-bulk-memory", None) => disabled.push(Disabled::BulkMemory),
            ("--disable-ref-types", None) => disabled.push(Disabled::ReferenceTypes),
            (flag, None) if UNSUPPORTED_ENABLES.contains(&flag) => {
                return Err(format!(
                    "{flag}: not supported (this runtime runs WebAssembly 2.0 without SIMD)"
                ))
            }
            _ if name.starts_with('-') => return Err(format!("unknown option {text}")),
            _ => {
                if input.replace(PathBuf::from(&arg)).is_some() {
                    return Err("more than one input file".into());
                }
            }
        }
    }
    match cpu.as_deref() {
        None => {}
        Some("native") if Arch::host() == Some(aot.target) => {
            aot.cpu_features.extend(CpuFeature::host())
        }
        Some("native") => {
            return Err(format!(
                "--cpu=native describes this machine, not a {} target",
                aot.target
            ))
        }
        Some(name) if is_cpu_of(aot.target, name) => {}
        Some(name) => {
            return Err(format!(
                "unknown {} CPU {name} (see --target=help)",
                aot.target
            ))
        }
    }
    for list in &feature_list {
        cpu_features(aot.target, list, &mut aot.cpu_features)?;
    }
    Ok(Command::Compile(Options {
        input: input.ok_or("no input file")?,
        output: output.ok_or("no output file (-o)")?,
        verbose,
        object,
        aot,
        disabled,
    }))
}

/// Applies a `--cpu-features` list of `target`'s features (`+name` adds, `-name` removes; a
/// bare name adds).
fn cpu_features(target: Arch, list: &str, features: &mut Vec<CpuFeature>) -> Result<(), String> {
    for item in list.split(',').filter(|item| !item.is_empty()) {
        let (add, name) = match item.split_at(1) {
            ("-", name) => (false, name),
            ("+", name) => (true, name),
            _ => (true, item),
        };
        let known: Vec<&str> = target.cpu_features().map(CpuFeature::name).collect();
        let feature = CpuFeature::from_name(target, name).ok_or_else(|| {
            format!(
                "unknown or unused {target} CPU feature {name} (known: {})",
                known.join(", ")
            )
        })?;
        features.retain(|f| *f != feature);
        if add {
            features.push(feature);
        }
    }
    Ok(())
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
                aot: AotOptions {
                    target: Arch::X86_64,
                    bounds_checks: true,
                    ..AotOptions::default()
                },
                disabled: Vec::new(),
            }))
        );
        let command = parse_strs(&["--cpu-features=+popcnt,+lzcnt,-popcnt", "--opt-level=1"]);
        let Err(_) = command else {
            panic!("no input or output")
        };
        let mut features = Vec::new();
        cpu_features(Arch::X86_64, "+popcnt,+lzcnt,-popcnt,bmi1", &mut features).unwrap();
        assert_eq!(features, [CpuFeature::Lzcnt, CpuFeature::Bmi1]);
        assert!(cpu_features(Arch::X86_64, "+avx512f", &mut features).is_err());
        assert!(cpu_features(Arch::Aarch64, "+popcnt", &mut features).is_err());
        assert_eq!(parse_strs(&["--target=help"]), Ok(Command::ListTargets));
        for cpu in ["cortex-a53", "cortex-a72", "cortex-a76", "generic"] {
            let args = [
                "--target=aarch64v8",
                &format!("--cpu={cpu}"),
                "-o",
                "o",
                "i",
            ];
            let Ok(Command::Compile(options)) = parse_strs(&args) else {
                panic!("{args:?}")
            };
            assert_eq!(options.aot.target, Arch::Aarch64);
        }
        for bad in [
            &["--target=sparc", "-o", "o", "i"][..],
            &["--target=aarch64_be", "-o", "o", "i"],
            &["--target=aarch64", "--cpu-features=+popcnt", "-o", "o", "i"],
            &["--target=aarch64", "--cpu=x86-64", "-o", "o", "i"],
            &["--target=x86_64", "--cpu=cortex-a72", "-o", "o", "i"],
            &["--cpu=pentium", "-o", "o", "i"],
            &["--opt-level=4", "-o", "o", "i"],
            &["--format=elf", "-o", "o", "i"],
            &["--bounds-checks=2", "-o", "o", "i"],
            &["--cpu-features=+sse9", "-o", "o", "i"],
            &["--enable-tail-call", "-o", "o", "i"],
            &["-o", "o"],
            &["i"],
            &["-o", "o", "i", "j"],
        ] {
            assert!(parse_strs(bad).is_err(), "{bad:?}");
        }
    }
}
