//! Command-line parsing, following WAMR's `iwasm`: options come first and stop at the module
//! file; everything after the file belongs to the program (or to the `-f` function) and is
//! passed on untouched, even when it starts with `-` (e.g. negative numbers).

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use iwasm::RunningMode;

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `-h` / `--help`: print the usage text.
    Help,
    /// `--version`: print the version.
    Version,
    /// Run a module.
    Run(Box<Options>),
}

/// How to run a module.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    /// The `.wasm` file.
    pub file: PathBuf,
    /// `-f <name>`: the export to call instead of `_start`.
    pub function: Option<String>,
    /// The arguments after the file: the function's parameters with `-f`, else the program's
    /// arguments (its `argv[1..]`).
    pub args: Vec<OsString>,
    /// `--stack-size=<bytes>`: the interpreter's value stack size, if given.
    pub stack_size: Option<u32>,
    /// `--heap-size=<bytes>`: accepted for WAMR compatibility (WAMR's runtime-managed app
    /// heap; WASI programs here bring their own allocator, so it has no effect).
    pub heap_size: Option<u32>,
    /// `--max-memory-size=<bytes>`: a cap on every linear memory of the guest, below its
    /// declared maximum (whole 64 KiB pages; `K`, `M` and `G` suffixes allowed).
    pub max_memory_bytes: Option<u64>,
    /// `--timeout=<ms>`: stop the guest after this many milliseconds of the run.
    pub timeout_ms: Option<u32>,
    /// `--fuel=<n>`: meter fuel and give the guest this much (Wasmtime's `-W fuel=n`).
    pub fuel: Option<u64>,
    /// `--interp` / `--fast-jit`: how functions run.
    pub mode: RunningMode,
    /// `--repl`: read `function args...` lines from stdin and run them.
    pub repl: bool,
    /// `-v=<0..5>`: the log level (WAMR's default is 2).
    pub log_level: u8,
    /// `--dir=<dir>` (repeatable): host directories preopened at the same guest path.
    pub dirs: Vec<PathBuf>,
    /// `--map-dir=<guest::host>` (repeatable): host directories preopened at a guest path.
    pub map_dirs: Vec<(String, PathBuf)>,
    /// `--env=<NAME=value>` (repeatable): the program's environment variables.
    pub env: Vec<(String, String)>,
}

/// Why the command line was rejected.
#[derive(Debug, PartialEq)]
pub enum ArgError {
    /// No module file was given (the usage text is the best answer).
    NoFile,
    /// Anything else, as a one-line message.
    Invalid(String),
}

/// WAMR's default log level.
const DEFAULT_LOG_LEVEL: u8 = 2;

/// WAMR's WASI socket options: this build grants no sockets.
const SOCKET_OPTIONS: &[&str] = &["--addr-pool", "--allow-resolve"];

/// Other WAMR options this build does not implement.
const UNSUPPORTED_OPTIONS: &[&str] = &[
    "--native-lib",
    "--module-path",
    "--max-threads",
    "--disable-bounds-checks",
    "--jit-codecache-size",
    "--llvm-jit-size-level",
    "--llvm-jit-opt-level",
    "--enable-segue",
    "--gen-prof-file",
    "-g",
];

/// Running modes of WAMR that this build does not have.
const UNAVAILABLE_MODES: &[&str] = &["--jit", "--llvm-jit"];

/// The usage text printed by `--help`.
pub fn usage(default_stack_bytes: usize) -> String {
    format!(
        "\
Usage: iwasm [-options] wasm_file [args...]
  wasm_file is a WebAssembly binary or an AOT image from wamrc (told apart by
  their magic); an AOT image runs its compiled code whatever the mode below
options:
  -f|--function name       Specify a function name of the module to run rather
                           than _start; args are its parameters
  -v=n                     Set log verbose level (0 to 5, default is 2)
  --interp                 Run the wasm app with interpreter mode
  --fast-jit               Run the wasm app with the fast JIT: each function is
                           compiled to machine code on its first call (x86-64)
  --multi-tier-jit         Run the wasm app in the interpreter and compile hot
                           functions and loops to machine code (x86-64; the
                           default where available, else --interp)
  --stack-size=n           Set maximum stack size in bytes, default is {} KB
  --heap-size=n            Set maximum heap size in bytes (reserved for the WASI
                           libc heap; currently ignored)
  --max-memory-size=n      Cap each linear memory at n bytes (K, M, G suffixes
                           allowed), below the module's declared maximum
  --timeout=ms             Stop the wasm app after ms milliseconds (an
                           exception, exit status 1)
  --fuel=n                 Stop the wasm app after about n executed wasm
                           operators (an exception, exit status 1); AOT
                           images must come from wamrc --fuel
  --env=<env>              Pass wasi environment variables with \"key=value\"
                           to the program, for example:
                             --env=\"key1=value1\" --env=\"key2=value2\"
  --dir=<dir>              Grant wasi access to the given host directories
                           to the program, for example:
                             --dir=<dir1> --dir=<dir2>
  --map-dir=<guest::host>  Grant wasi access to the given host directories
                           to the program at a specific guest path, for example:
                             --map-dir=<guest-path1::host-path1>
  --repl                   Start a very simple REPL (read-eval-print-loop) mode
                           that runs commands in the form of \"FUNC ARG...\"
                           (\"__exit__\" or end of input quits)
  --version                Show version information
  -h|--help                Show this help
",
        default_stack_bytes / 1024
    )
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, ArgError> {
    let mut args = args.into_iter();
    let mut opts = Options {
        log_level: DEFAULT_LOG_LEVEL,
        ..Options::default()
    };
    while let Some(arg) = args.next() {
        let bytes = arg.as_encoded_bytes();
        if bytes == b"--" {
            let file = args.next().ok_or(ArgError::NoFile)?;
            return Ok(run(opts, file, args));
        }
        if bytes.first() != Some(&b'-') || bytes == b"-" {
            return Ok(run(opts, arg, args));
        }
        let Some(text) = arg.to_str() else {
            return Err(invalid(format!("unknown option {}", arg.to_string_lossy())));
        };
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        let no_value = || match value {
            Some(_) => Err(invalid(format!("option {name} takes no value"))),
            None => Ok(()),
        };
        // `--dir`, `--map-dir` and `--env` take their value after `=` or as the next
        // argument (as the WASI test suite's WAMR adapter passes `--env NAME=value`).
        let mut value_or_next = |value: Option<&str>| -> Result<Option<String>, ArgError> {
            match value {
                Some(v) => Ok(Some(v.to_owned())),
                None => args.next().map(|next| utf8(name, Some(next))).transpose(),
            }
        };
        match name {
            "-h" | "--help" => {
                no_value()?;
                return Ok(Command::Help);
            }
            "--version" => {
                no_value()?;
                return Ok(Command::Version);
            }
            "-f" | "--function" => {
                let function = match value {
                    Some(v) => v.to_owned(),
                    None => utf8(name, args.next())?,
                };
                if function.is_empty() {
                    return Err(invalid(format!("option {name} needs a function name")));
                }
                opts.function = Some(function);
            }
            "--interp" => {
                no_value()?;
                opts.mode = RunningMode::Interp;
            }
            "--fast-jit" | "--multi-tier-jit" => {
                no_value()?;
                let mode = if name == "--fast-jit" {
                    RunningMode::FastJit
                } else {
                    RunningMode::MultiTierJit
                };
                if !mode.is_available() {
                    return Err(invalid(format!(
                        "mode {name} is not available: this build of iwasm has no JIT on {}; \
                         run with --interp",
                        std::env::consts::ARCH
                    )));
                }
                opts.mode = mode;
            }
            "--repl" => {
                no_value()?;
                opts.repl = true;
            }
            "-v" => {
                let level: u32 = number(name, value)?;
                if level > 5 {
                    return Err(invalid(format!("option -v takes 0 to 5, got {level}")));
                }
                opts.log_level = level as u8;
            }
            "--stack-size" => opts.stack_size = Some(number(name, value)?),
            "--heap-size" => opts.heap_size = Some(number(name, value)?),
            "--max-memory-size" => opts.max_memory_bytes = Some(byte_size(name, value)?),
            "--timeout" => opts.timeout_ms = Some(number(name, value)?),
            "--fuel" => opts.fuel = Some(number(name, value)?),
            _ if UNAVAILABLE_MODES.contains(&name) => {
                return Err(invalid(format!(
                    "mode {name} is not available in this build"
                )));
            }
            "--dir" => {
                let dir = value_or_next(value)?
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| invalid("option --dir needs a value: --dir=<dir>".into()))?;
                opts.dirs.push(PathBuf::from(dir));
            }
            "--map-dir" => {
                let value = value_or_next(value)?;
                let mapping = value.as_deref().and_then(|v| v.split_once("::"));
                let Some((guest, host)) = mapping.filter(|(g, h)| !g.is_empty() && !h.is_empty())
                else {
                    return Err(invalid(
                        "option --map-dir needs a value: --map-dir=<guest::host>".into(),
                    ));
                };
                opts.map_dirs.push((guest.to_owned(), PathBuf::from(host)));
            }
            "--env" => {
                let value = value_or_next(value)?;
                let var = value.as_deref().and_then(|v| v.split_once('='));
                let Some((key, val)) = var.filter(|(k, _)| !k.is_empty()) else {
                    return Err(invalid(
                        "option --env needs a value: --env=NAME=value".into(),
                    ));
                };
                opts.env.push((key.to_owned(), val.to_owned()));
            }
            _ if SOCKET_OPTIONS.contains(&name) => {
                return Err(invalid(format!(
                    "option {name} is not supported: this build grants no sockets"
                )));
            }
            _ if UNSUPPORTED_OPTIONS.contains(&name) => {
                return Err(invalid(format!(
                    "option {name} is not supported by this build"
                )));
            }
            _ => return Err(invalid(format!("unknown option {text}"))),
        }
    }
    Err(ArgError::NoFile)
}

/// The `Run` command for `file` and the arguments after it.
fn run(mut opts: Options, file: OsString, rest: impl Iterator<Item = OsString>) -> Command {
    opts.file = PathBuf::from(file);
    opts.args = rest.collect();
    Command::Run(Box::new(opts))
}

/// An [`ArgError::Invalid`].
fn invalid(message: String) -> ArgError {
    ArgError::Invalid(message)
}

/// The value of option `name` given as the next argument, which must be UTF-8.
fn utf8(name: &str, value: Option<OsString>) -> Result<String, ArgError> {
    let value = value.ok_or_else(|| invalid(format!("option {name} needs a value")))?;
    value
        .into_string()
        .map_err(|v: OsString| invalid(format!("invalid value for {name}: {}", lossy(&v))))
}

/// The decimal value of a `name=value` option.
fn number<T: std::str::FromStr>(name: &str, value: Option<&str>) -> Result<T, ArgError> {
    let value = value.ok_or_else(|| invalid(format!("option {name} needs a value: {name}=n")))?;
    value
        .parse()
        .map_err(|_| invalid(format!("invalid value for {name}: {value}")))
}

/// A byte count with an optional `K`, `M` or `G` suffix (powers of 1024).
fn byte_size(name: &str, value: Option<&str>) -> Result<u64, ArgError> {
    let value = value.ok_or_else(|| invalid(format!("option {name} needs a value: {name}=n")))?;
    let (digits, scale) = match value.char_indices().last() {
        Some((i, 'K' | 'k')) => (&value[..i], 1 << 10),
        Some((i, 'M' | 'm')) => (&value[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&value[..i], 1 << 30),
        _ => (value, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| invalid(format!("invalid value for {name}: {value}")))
}

/// `s` for messages.
fn lossy(s: &OsStr) -> String {
    s.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, ArgError> {
        parse(args.iter().map(OsString::from))
    }

    fn run_opts(args: &[&str]) -> Options {
        match parse_strs(args) {
            Ok(Command::Run(opts)) => *opts,
            other => panic!("expected Run, got {other:?}"),
        }
    }

    #[test]
    fn options_stop_at_the_file() {
        let opts = run_opts(&[
            "--stack-size=4096",
            "-v=3",
            "--interp",
            "-f",
            "add",
            "m.wasm",
            "-5",
            "--help",
        ]);
        assert_eq!(opts.file, PathBuf::from("m.wasm"));
        assert_eq!(opts.function.as_deref(), Some("add"));
        assert_eq!(opts.args, vec![OsString::from("-5"), "--help".into()]);
        assert_eq!(opts.stack_size, Some(4096));
        assert_eq!(opts.max_memory_bytes, None);
        assert_eq!(opts.log_level, 3);
    }

    #[test]
    fn help_version_and_errors() {
        assert_eq!(parse_strs(&["--version", "x"]), Ok(Command::Version));
        assert_eq!(parse_strs(&["-h"]), Ok(Command::Help));
        assert_eq!(parse_strs(&[]), Err(ArgError::NoFile));
        assert_eq!(parse_strs(&["-f", "x"]), Err(ArgError::NoFile));
        assert!(matches!(parse_strs(&["-f"]), Err(ArgError::Invalid(_))));
        assert!(matches!(
            parse_strs(&["-v=6", "m"]),
            Err(ArgError::Invalid(_))
        ));
        assert!(matches!(
            parse_strs(&["--stack-size", "m"]),
            Err(ArgError::Invalid(_))
        ));
        for bad in [
            "--max-memory-size=",
            "--max-memory-size=1X",
            "--max-memory-size=99999999999G",
        ] {
            assert!(
                matches!(parse_strs(&[bad, "m"]), Err(ArgError::Invalid(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_strs(&["--bogus", "m"]),
            Err(ArgError::Invalid(_))
        ));
        let Err(ArgError::Invalid(m)) = parse_strs(&["--llvm-jit", "m"]) else {
            panic!("--llvm-jit accepted")
        };
        assert_eq!(m, "mode --llvm-jit is not available in this build");
        for mode in ["--fast-jit", "--multi-tier-jit"] {
            match parse_strs(&[mode, "m"]) {
                Ok(_) => assert!(RunningMode::FastJit.is_available()),
                Err(ArgError::Invalid(m)) => {
                    assert!(!RunningMode::FastJit.is_available());
                    assert!(
                        m.contains("has no JIT") && m.ends_with("run with --interp"),
                        "{m}"
                    );
                }
                Err(other) => panic!("{mode}: {other:?}"),
            }
        }
        assert!(matches!(
            parse_strs(&["--map-dir=/a", "m"]),
            Err(ArgError::Invalid(_))
        ));
        assert!(matches!(
            parse_strs(&["--env=novalue", "m"]),
            Err(ArgError::Invalid(_))
        ));
        assert!(matches!(parse_strs(&["--dir"]), Err(ArgError::Invalid(_))));
        assert_eq!(parse_strs(&["--dir", "m"]), Err(ArgError::NoFile));
    }

    #[test]
    fn wasi_options() {
        let opts = run_opts(&[
            "--dir=.",
            "--dir=/tmp",
            "--map-dir=/data::/srv/data",
            "--env=A=1",
            "--env=B=x=y",
            "m.wasm",
            "arg",
        ]);
        assert_eq!(opts.dirs, vec![PathBuf::from("."), PathBuf::from("/tmp")]);
        assert_eq!(
            opts.map_dirs,
            vec![("/data".to_owned(), PathBuf::from("/srv/data"))]
        );
        assert_eq!(
            opts.env,
            vec![
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "x=y".to_owned())
            ]
        );
        assert_eq!(opts.args, vec![OsString::from("arg")]);
    }

    #[test]
    fn function_forms() {
        assert_eq!(
            run_opts(&["--function=fib", "m"]).function.as_deref(),
            Some("fib")
        );
        assert_eq!(
            run_opts(&["--function", "fib", "m"]).function.as_deref(),
            Some("fib")
        );
        assert_eq!(
            run_opts(&["--", "-odd.wasm"]).file,
            PathBuf::from("-odd.wasm")
        );
    }

    #[test]
    fn memory_cap_sizes() {
        let cap = |arg: &str| match parse_strs(&[arg, "m.wasm"]) {
            Ok(Command::Run(opts)) => opts.max_memory_bytes,
            other => panic!("{other:?}"),
        };
        assert_eq!(cap("--max-memory-size=65536"), Some(65536));
        assert_eq!(cap("--max-memory-size=64K"), Some(65536));
        assert_eq!(cap("--max-memory-size=2M"), Some(2 << 20));
        assert_eq!(cap("--max-memory-size=1g"), Some(1 << 30));
    }

    #[test]
    fn wasi_options_take_their_value_as_the_next_argument_too() {
        let opts = match parse_strs(&[
            "--env",
            "a=text",
            "--dir",
            "d",
            "--map-dir",
            "/::h",
            "m.wasm",
            "x",
        ]) {
            Ok(Command::Run(opts)) => opts,
            other => panic!("{other:?}"),
        };
        assert_eq!(opts.env, vec![("a".to_string(), "text".to_string())]);
        assert_eq!(opts.dirs, vec![PathBuf::from("d")]);
        assert_eq!(opts.map_dirs, vec![("/".to_string(), PathBuf::from("h"))]);
        assert_eq!(opts.file, PathBuf::from("m.wasm"));
        assert_eq!(opts.args, vec![OsString::from("x")]);
    }
}
