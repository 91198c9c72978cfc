//! End-to-end tests: run the built `iwasm` binary as a process.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The sample module (see samples/fib.wat).
fn fib_wasm() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples/fib.wasm")
}

/// Runs `iwasm args...`.
fn iwasm<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(args)
        .output()
        .expect("run iwasm")
}

/// Runs `iwasm options... file args...`.
fn iwasm_file(options: &[&str], file: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&OsStr> = options.iter().map(OsStr::new).collect();
    all.push(file.as_os_str());
    all.extend(args.iter().map(OsStr::new));
    iwasm(&all)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A file under the temp dir with a name unique to this process and call, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("iwasm-cli-test-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Asserts exit status 1 and exactly one line on stderr (containing `needle`), none on stdout.
fn assert_one_line_failure(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "stderr: {err}");
    assert!(err.starts_with("iwasm: "), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in stderr: {err}");
    assert_eq!(stdout(out), "");
}

/// ```wat
/// (module
///   (func $inner (unreachable))
///   (func $outer (export "boom") (call $inner))
///   (func (export "_start") (call $outer)))
/// ```
/// (built with `wat2wasm --debug-names`, so the backtrace has names)
const TRAP_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x04,
    0x03, 0x00, 0x00, 0x00, 0x07, 0x11, 0x02, 0x04, 0x62, 0x6f, 0x6f, 0x6d, 0x00, 0x01, 0x06, 0x5f,
    0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x02, 0x0a, 0x0f, 0x03, 0x03, 0x00, 0x00, 0x0b, 0x04, 0x00,
    0x10, 0x00, 0x0b, 0x04, 0x00, 0x10, 0x01, 0x0b, 0x00, 0x1f, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01,
    0x0f, 0x02, 0x00, 0x05, 0x69, 0x6e, 0x6e, 0x65, 0x72, 0x01, 0x05, 0x6f, 0x75, 0x74, 0x65, 0x72,
    0x02, 0x07, 0x03, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00,
];

/// ```wat
/// (module
///   (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
///   (func (export "_start")))
/// ```
const WASI_IMPORT_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x02, 0x60, 0x04, 0x7f, 0x7f, 0x7f,
    0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x23, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73,
    0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31,
    0x08, 0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x07,
    0x0a, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00,
    0x0b, 0x00, 0x0c, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
];

/// ```wat
/// (module
///   (func (export "mix") (param f64 i64 f32) (result f64 i64 f32)
///     (local.get 0) (local.get 1) (local.get 2))
///   (func (export "nothing")))
/// ```
const NUMBERS_WASM: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x02, 0x60, 0x03, 0x7c, 0x7e, 0x7d,
    0x03, 0x7c, 0x7e, 0x7d, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x07, 0x11, 0x02, 0x03,
    0x6d, 0x69, 0x78, 0x00, 0x00, 0x07, 0x6e, 0x6f, 0x74, 0x68, 0x69, 0x6e, 0x67, 0x00, 0x01, 0x0a,
    0x0d, 0x02, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x0b, 0x02, 0x00, 0x0b, 0x00, 0x0c,
    0x04, 0x6e, 0x61, 0x6d, 0x65, 0x02, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
];

#[test]
#[cfg(target_arch = "x86_64")]
fn fast_jit_runs_the_sample_and_traps() {
    let out = iwasm_file(&["--fast-jit", "-f", "fib"], &fib_wasm(), &["20"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "0x1a6d:i32\n");
    let file = TempFile::new("trap-jit.wasm", TRAP_WASM);
    for mode in ["--interp", "--fast-jit", "--multi-tier-jit"] {
        let out = iwasm_file(&[mode], &file.0, &[]);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.starts_with("Exception: unreachable\n"), "{err}");
        let trace: Vec<&str> = err.lines().skip(1).collect();
        let expected = ["  #00 inner", "  #01 outer", "  #02 $f2"];
        assert_eq!(trace, expected, "{mode}: {err}");
    }
}

#[test]
fn fib_sample() {
    let out = iwasm_file(&["-f", "fib"], &fib_wasm(), &["20"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "0x1a6d:i32\n");
    assert_eq!(stderr(&out), "");
}

#[test]
fn add_with_negative_and_hex_arguments() {
    let cases = [
        (["2", "3"], "0x5:i32\n"),
        (["2", "-5"], "0xfffffffd:i32\n"),
        (["0x10", "0x20"], "0x30:i32\n"),
        (["-0x1", "1"], "0x0:i32\n"),
        (["4294967295", "1"], "0x0:i32\n"),
        (["-2147483648", "-1"], "0x7fffffff:i32\n"),
    ];
    for (args, want) in cases {
        let out = iwasm_file(&["--function", "add"], &fib_wasm(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), want, "{args:?}");
    }
}

#[test]
fn start_runs_quietly() {
    let out = iwasm_file(&["--interp", "--stack-size=65536"], &fib_wasm(), &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn floats_i64_and_multiple_results() {
    let file = TempFile::new("numbers.wasm", NUMBERS_WASM);
    let mix = |args: &[&str]| iwasm_file(&["-f", "mix"], &file.0, args);
    let out = mix(&["1.5", "-1", "0.1"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "1.5:f64,0xffffffffffffffff:i64,0.1:f32\n");
    let out = mix(&["-inf", "0x7fffffffffffffff", "nan"]);
    assert_eq!(stdout(&out), "-inf:f64,0x7fffffffffffffff:i64,nan:f32\n");
    let out = mix(&["12345678", "0", "3.14159265"]);
    assert_eq!(stdout(&out), "1.234568e+07:f64,0x0:i64,3.141593:f32\n");
    // Like WAMR, a function without results prints an empty line.
    let out = iwasm_file(&["-f", "nothing"], &file.0, &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "\n");
}

#[test]
fn trap_prints_exception_and_backtrace() {
    let file = TempFile::new("trap.wasm", TRAP_WASM);
    for options in [&["-f", "boom"][..], &[]] {
        let out = iwasm_file(options, &file.0, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "stderr: {err}");
        assert!(err.starts_with("Exception: unreachable\n"), "stderr: {err}");
        let trace: Vec<&str> = err.lines().skip(1).collect();
        assert_eq!(trace.first().copied(), Some("  #00 inner"), "stderr: {err}");
        assert_eq!(trace.get(1).copied(), Some("  #01 outer"), "stderr: {err}");
        assert_eq!(stdout(&out), "");
    }
}

#[test]
fn missing_file() {
    let name = format!("iwasm-cli-test-{}-absent.wasm", std::process::id());
    let out = iwasm_file(&[], &std::env::temp_dir().join(name), &[]);
    assert_one_line_failure(&out, "cannot read");
}

#[test]
fn not_a_wasm_file() {
    let file = TempFile::new("text.wasm", b"hello, world\n");
    assert_one_line_failure(&iwasm(&[&file.0]), "not a WebAssembly binary");
    let file = TempFile::new("module.wat", b";; text\n(module)\n");
    assert_one_line_failure(&iwasm(&[&file.0]), "wat2wasm");
}

#[test]
fn invalid_module() {
    // The header and a truncated section.
    let file = TempFile::new("bad.wasm", b"\0asm\x01\0\0\0\x01\x05\x01");
    assert_one_line_failure(&iwasm(&[&file.0]), "invalid module");
}

#[test]
fn wasi_import_is_linked() {
    // WASI is provided: the module links and its empty `_start` exits with status 0.
    let file = TempFile::new("wasi.wasm", WASI_IMPORT_WASM);
    let out = iwasm(&[&file.0]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn wrong_arguments() {
    let wasm = fib_wasm();
    let out = iwasm_file(&["-f", "add"], &wasm, &["1"]);
    assert_one_line_failure(&out, "takes 2 arguments (i32 i32), got 1");
    let out = iwasm_file(&["-f", "add"], &wasm, &["1", "2", "3"]);
    assert_one_line_failure(&out, "got 3");
    let out = iwasm_file(&["-f", "fib"], &wasm, &["ten"]);
    assert_one_line_failure(&out, "`ten` is not a valid i32");
    let out = iwasm_file(&["-f", "nope"], &wasm, &[]);
    assert_one_line_failure(&out, "no exported function nope");
}

#[test]
fn no_start_function() {
    let file = TempFile::new("nostart.wasm", NUMBERS_WASM);
    assert_one_line_failure(
        &iwasm(&[&file.0]),
        "no _start function; use -f to call an export",
    );
}

#[test]
fn options() {
    let out = iwasm(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("iwasm {}\n", env!("CARGO_PKG_VERSION"))
    );

    let out = iwasm(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("Usage: iwasm"), "{}", stdout(&out));

    let out = iwasm::<&str>(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("Usage: iwasm"), "{}", stderr(&out));

    let wasm = fib_wasm();
    let out = iwasm_file(&["--llvm-jit"], &wasm, &[]);
    assert_one_line_failure(&out, "mode --llvm-jit is not available in this build");
    let out = iwasm_file(&["--bogus"], &wasm, &[]);
    assert_one_line_failure(&out, "unknown option --bogus");
    let out = iwasm_file(&["-v=5", "--heap-size=16384"], &wasm, &[]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

#[test]
fn tiny_stack_traps_instead_of_crashing() {
    let out = iwasm_file(&["--stack-size=0", "-f", "fib"], &fib_wasm(), &["20"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("Exception: "), "{}", stderr(&out));
}

#[test]
fn repl_runs_lines_until_exit() {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .arg("--repl")
        .arg(fib_wasm())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"fib 10\n\nadd 2 3\nnope\nfib 20\n__exit__\nfib 1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "webassembly> 0x37:i32\nwebassembly> webassembly> 0x5:i32\nwebassembly> webassembly> 0x1a6d:i32\nwebassembly> "
    );
    assert!(
        stderr(&out).contains("no exported function nope"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_import_is_one_line() {
    // (module (import "env" "missing" (func)))
    let file = TempFile::new(
        "import.wasm",
        b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0\x02\x0f\x01\x03env\x07missing\x00\x00",
    );
    assert_one_line_failure(&iwasm(&[&file.0]), "unknown import");
}

#[test]
fn max_memory_size_caps_growth() {
    let wasm = wat::parse_str(
        r#"(module (memory 1)
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    )
    .unwrap();
    let file = TempFile::new("grow.wasm", &wasm);
    let grow = |options: &[&str], pages: &str| {
        let out = iwasm_file(options, &file.0, &[pages]);
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(grow(&["-f", "grow"], "3"), "0x1:i32\n");
    let capped = ["--max-memory-size=128K", "-f", "grow"];
    assert_eq!(grow(&capped, "3"), "0xffffffff:i32\n");
    assert_eq!(grow(&capped, "1"), "0x1:i32\n");
    // A cap below the module's initial size fails instantiation with one line.
    let out = iwasm_file(&["--max-memory-size=1K", "-f", "grow"], &file.0, &["0"]);
    assert_one_line_failure(&out, "exceeds the limit");
}

/// Every running mode this build of iwasm has.
fn modes() -> Vec<&'static str> {
    let mut modes = vec!["--interp"];
    if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
        modes.extend(["--fast-jit", "--multi-tier-jit"]);
    }
    modes
}

#[test]
fn timeout_stops_a_runaway_guest_in_every_mode() {
    let wasm = wat::parse_str(r#"(module (func (export "_start") (loop (br 0))))"#).unwrap();
    let file = TempFile::new("spin.wasm", &wasm);
    for mode in modes() {
        let start = std::time::Instant::now();
        let out = iwasm_file(&[mode, "--timeout=200"], &file.0, &[]);
        let elapsed = start.elapsed();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{mode}: {err}");
        assert!(
            err.starts_with("Exception: interrupted: time limit exceeded (--timeout=200)\n"),
            "{mode}: {err}"
        );
        assert!(elapsed >= std::time::Duration::from_millis(200), "{mode}");
        assert!(
            elapsed < std::time::Duration::from_secs(10),
            "{mode}: {elapsed:?}"
        );
    }
    // A program that finishes in time is not affected, and exits at once.
    let start = std::time::Instant::now();
    let out = iwasm_file(&["--timeout=60000", "-f", "fib"], &fib_wasm(), &["20"]);
    assert_eq!(stdout(&out), "0x1a6d:i32\n", "{}", stderr(&out));
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn fuel_limits_the_guest_in_every_mode() {
    let wasm = wat::parse_str(
        r#"(module (func (export "count") (param i32) (result i32) (local i32)
            (loop
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br_if 0 (i32.ne (local.get 1) (local.get 0))))
            (local.get 1)))"#,
    )
    .unwrap();
    let file = TempFile::new("count.wasm", &wasm);
    for mode in modes() {
        // 8 per iteration and 1 to return: 81 for 10 iterations.
        let out = iwasm_file(&[mode, "--fuel=81", "-f", "count"], &file.0, &["10"]);
        assert_eq!(stdout(&out), "0xa:i32\n", "{mode}: {}", stderr(&out));
        let out = iwasm_file(&[mode, "--fuel=80", "-f", "count"], &file.0, &["10"]);
        assert_eq!(out.status.code(), Some(1), "{mode}");
        assert!(
            stderr(&out).starts_with("Exception: all fuel consumed\n"),
            "{mode}: {}",
            stderr(&out)
        );
    }
    let out = iwasm_file(&["--fuel=lots", "-f", "count"], &file.0, &["10"]);
    assert_one_line_failure(&out, "--fuel");
}
