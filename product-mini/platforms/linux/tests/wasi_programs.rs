//! End-to-end WASI tests: real programs, compiled from tests/programs/ by the Rust
//! (wasm32-wasip1) and C (clang + wasi-libc) toolchains, run by the built `iwasm` binary as a
//! process. Each test compares the whole stdout (and stderr where it is ours) and the exit code.
//! The last section runs the official WASI test suite's cases (reproduced in
//! tests/programs/rust-wasi-suite and c-wasi/suite.c) the way its WAMR adapter runs them.
//!
//! The programs are built once per test run into `target/wasi-test-programs/`. The toolchains
//! come from `tests/setup-wasm-toolchains.sh`; without them every test here fails, saying so.
//! `IWASM_TEST_RUNNER` and `IWASM_TEST_OPTIONS` run them all under QEMU or in another mode,
//! `IWASM_TEST_WAMRC` compiles their AOT images with another `wamrc` (CI runs them under
//! `qemu-aarch64` in every mode, with images from the x86-64 host: see tests/run.sh).

use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one `iwasm` run may take before it is killed and the test fails.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

const SETUP_HINT: &str = "install the toolchains with tests/setup-wasm-toolchains.sh \
                          (from the repository root), then run the tests again";

// ---------------------------------------------------------------------------------------------
// Building the test programs

/// The compiled test programs.
struct Programs {
    /// tests/programs/rust-wasi: `wasi-probe COMMAND ...`.
    probe: PathBuf,
    /// tests/programs/c-wasi/hello.c.
    c_hello: PathBuf,
    /// tests/programs/c-wasi/files.c.
    c_files: PathBuf,
    /// tests/programs/rust-wasi-suite: `wasi-suite TEST DIR`, the official suite's Rust cases.
    rust_suite: PathBuf,
    /// tests/programs/c-wasi/suite.c: `suite TEST DIR`, the official suite's C cases.
    c_suite: PathBuf,
}

/// Builds the programs on first use; panics (failing the test) with the reason and the setup
/// script's name if a toolchain is missing or a build fails.
fn programs() -> &'static Programs {
    static PROGRAMS: OnceLock<Result<Programs, String>> = OnceLock::new();
    match PROGRAMS.get_or_init(build_programs) {
        Ok(programs) => programs,
        Err(why) => panic!("cannot build the WASI test programs: {why}\n=> {SETUP_HINT}"),
    }
}

fn sources_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// `target/wasi-test-programs` (next to the `tmp` directory Cargo gives integration tests).
fn output_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("wasi-test-programs")
}

fn build_programs() -> Result<Programs, String> {
    let out = output_dir();
    std::fs::create_dir_all(&out).map_err(|e| format!("create {}: {e}", out.display()))?;
    let probe = build_rust(&out, "rust-wasi", "wasi-probe")?;
    let rust_suite = build_rust(&out, "rust-wasi-suite", "wasi-suite")?;
    let c_dir = sources_dir().join("c-wasi");
    let c_hello = build_c(&c_dir.join("hello.c"), &out.join("hello.wasm"))?;
    let c_files = build_c(&c_dir.join("files.c"), &out.join("files.wasm"))?;
    let c_suite = build_c(&c_dir.join("suite.c"), &out.join("suite.wasm"))?;
    Ok(Programs {
        probe,
        c_hello,
        c_files,
        rust_suite,
        c_suite,
    })
}

/// Runs a build command, turning a missing tool or a failure into a message.
fn run_build(mut command: Command, what: &str) -> Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("`{program}` is not installed ({what})"),
        _ => format!("cannot run `{program}` ({what}): {e}"),
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Builds the crate tests/programs/`dir` for wasm32-wasip1; returns its binary `bin`.
fn build_rust(out: &Path, dir: &str, bin: &str) -> Result<PathBuf, String> {
    const TARGET: &str = "wasm32-wasip1";
    // Check for the target's standard library first: the build's own error is obscure.
    let libdir = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    let libdir = PathBuf::from(String::from_utf8_lossy(&libdir.stdout).trim());
    let has_std = std::fs::read_dir(&libdir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
        })
        .unwrap_or(false);
    if !has_std {
        return Err(format!(
            "the Rust target {TARGET} is not installed (rustup target add {TARGET})"
        ));
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = out.join("rust");
    let mut command = Command::new(cargo);
    command
        .current_dir(sources_dir().join(dir))
        .args(["build", "--release", "--quiet", "--target", TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        // Flags meant for the host build must not reach the wasm one.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET");
    run_build(command, &format!("cargo build of tests/programs/{dir}"))?;
    Ok(target_dir.join(TARGET).join(format!("release/{bin}.wasm")))
}

fn build_c(source: &Path, output: &Path) -> Result<PathBuf, String> {
    // Build under a temporary name, then rename: concurrent test runs never see half a file.
    let partial = output.with_extension(format!("wasm.{}.partial", std::process::id()));
    let mut command = Command::new("clang");
    command
        .args(["--target=wasm32-wasi", "-O2", "-Wall", "-Werror", "-o"])
        .arg(&partial)
        .arg(source);
    let what = format!("clang --target=wasm32-wasi {}", source.display());
    run_build(command, &what)?;
    std::fs::rename(&partial, output).map_err(|e| format!("rename {}: {e}", partial.display()))?;
    Ok(output.to_path_buf())
}

// ---------------------------------------------------------------------------------------------
// Running iwasm

/// An `iwasm` run: options, the module and its arguments, and what to feed stdin.
struct Run {
    command: Command,
    stdin: Vec<u8>,
}

impl Run {
    /// `iwasm options... module args...`, run through `$IWASM_TEST_RUNNER` if set (e.g.
    /// `qemu-aarch64 -L /usr/aarch64-linux-gnu` for a cross build) and with the options in
    /// `$IWASM_TEST_OPTIONS` first (e.g. `--fast-jit`: every program in another mode).
    fn new<O, A>(options: &[O], module: &Path, args: &[A]) -> Run
    where
        O: AsRef<OsStr>,
        A: AsRef<OsStr>,
    {
        let words = |name| std::env::var(name).unwrap_or_default();
        let runner = words("IWASM_TEST_RUNNER");
        let mut runner = runner.split_whitespace();
        let mut command = match runner.next() {
            Some(program) => {
                let mut command = Command::new(program);
                command.args(runner).arg(env!("CARGO_BIN_EXE_iwasm"));
                command
            }
            None => Command::new(env!("CARGO_BIN_EXE_iwasm")),
        };
        command.args(words("IWASM_TEST_OPTIONS").split_whitespace());
        command.args(options).arg(module).args(args);
        // Must not be visible to the guest: WASI programs only see --env variables.
        command.env("IWASM_TEST_HOST_ONLY", "leaked");
        Run {
            command,
            stdin: Vec::new(),
        }
    }

    fn stdin(mut self, input: &[u8]) -> Run {
        self.stdin = input.to_vec();
        self
    }

    fn current_dir(mut self, dir: &Path) -> Run {
        self.command.current_dir(dir);
        self
    }

    /// Runs it to the end (killing it after [`RUN_TIMEOUT`]).
    fn output(mut self) -> Output {
        let description = format!("{:?}", self.command);
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start iwasm");
        let mut stdin = child.stdin.take().expect("stdin pipe");
        let input = std::mem::take(&mut self.stdin);
        // The guest may exit without reading stdin: a broken pipe there is fine.
        let feeder = std::thread::spawn(move || drop(stdin.write_all(&input)));
        let stdout = drain(child.stdout.take().expect("stdout pipe"));
        let stderr = drain(child.stderr.take().expect("stderr pipe"));
        let deadline = Instant::now() + RUN_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for iwasm") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("timed out after {RUN_TIMEOUT:?}: {description}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let _ = feeder.join();
        Output {
            status,
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs the Rust probe with `options` and `args`, no stdin.
fn probe(options: &[&OsStr], args: &[&OsStr]) -> Output {
    Run::new(options, &programs().probe, args).output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit code, the whole stdout and the whole stderr.
#[track_caller]
fn assert_output(out: &Output, code: i32, stdout: &str, stderr: &str) {
    let (actual_out, actual_err) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status\nstdout:\n{actual_out}\nstderr:\n{actual_err}"
    );
    assert_eq!(actual_out, stdout, "stdout (stderr: {actual_err})");
    assert_eq!(actual_err, stderr, "stderr");
}

fn os<S: AsRef<OsStr> + ?Sized>(s: &S) -> &OsStr {
    s.as_ref()
}

fn dir_option(dir: &Path) -> OsString {
    let mut option = OsString::from("--dir=");
    option.push(dir);
    option
}

// ---------------------------------------------------------------------------------------------
// Temporary directories

/// A fresh directory under the temp dir, unique to this process and call, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "iwasm-wasi-test-{}-{n}-{label}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        // Canonical, so that the guest's view (--dir=PATH) has no symlinks in its prefix.
        TempDir(path.canonicalize().expect("canonicalize temp dir"))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A sandbox layout:
///
/// ```text
/// ROOT/outside.txt              "outside\n"      (must never change)
/// ROOT/outside/secret.txt       "secret\n"       (must never change)
/// ROOT/sandbox/host.txt         "from host\n"    (the directory handed to the guest)
/// ROOT/sandbox/sub/
/// ROOT/sandbox/link    -> ROOT/outside.txt (absolute)
/// ROOT/sandbox/rellink -> ../outside.txt
/// ROOT/sandbox/dirlink -> ROOT/outside
/// ROOT/sandbox/inlink  -> host.txt
/// ```
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    /// Only `host.txt` in the sandbox (for the file-operation tests, which list it).
    fn plain(label: &str) -> Sandbox {
        let root = TempDir::new(label);
        let sandbox = root.path().join("sandbox");
        std::fs::create_dir(&sandbox).expect("create sandbox");
        std::fs::write(sandbox.join("host.txt"), "from host\n").expect("write host.txt");
        std::fs::write(root.path().join("outside.txt"), "outside\n").expect("write outside");
        Sandbox { root }
    }

    /// With the symlinks and the outside directory too.
    fn with_links(label: &str) -> Sandbox {
        let sandbox = Sandbox::plain(label);
        let (root, dir) = (sandbox.root.path(), sandbox.dir());
        std::fs::create_dir(root.join("outside")).expect("create outside dir");
        std::fs::write(root.join("outside/secret.txt"), "secret\n").expect("write secret");
        std::fs::create_dir(dir.join("sub")).expect("create sub");
        use std::os::unix::fs::symlink as link;
        link(root.join("outside.txt"), dir.join("link")).expect("symlink");
        link("../outside.txt", dir.join("rellink")).expect("symlink");
        link(root.join("outside"), dir.join("dirlink")).expect("symlink");
        link("host.txt", dir.join("inlink")).expect("symlink");
        sandbox
    }

    /// The directory handed to the guest.
    fn dir(&self) -> PathBuf {
        self.root.path().join("sandbox")
    }

    /// Asserts that nothing outside the sandbox changed.
    #[track_caller]
    fn assert_outside_untouched(&self) {
        let root = self.root.path();
        let read = |path: PathBuf| std::fs::read_to_string(path).unwrap_or_else(|e| e.to_string());
        assert_eq!(read(root.join("outside.txt")), "outside\n", "outside.txt");
        let mut expected = vec!["outside.txt", "sandbox"];
        if root.join("outside").exists() {
            assert_eq!(read(root.join("outside/secret.txt")), "secret\n");
            assert_eq!(names_in(&root.join("outside")), ["secret.txt"]);
            expected.insert(0, "outside");
        }
        assert_eq!(names_in(root), expected, "files next to the sandbox");
    }
}

// ---------------------------------------------------------------------------------------------
// The Rust program

#[test]
fn args_reach_the_program_with_the_module_as_argv0() {
    let wasm = &programs().probe;
    let args = ["args", "-x", "--flag=1", "two words", "ünïcode"];
    let out = Run::new(&[] as &[&str], wasm, &args).output();
    let argv0 = wasm.to_str().expect("utf-8 path");
    let stdout = format!("{argv0} args -x --flag=1 two words ünïcode\nargc 6\n");
    assert_output(&out, 0, &stdout, "");
}

#[test]
fn env_variables_come_only_from_env_options() {
    let options = [
        os("--env=GREETING=hi there"),
        os("--env=EMPTY="),
        os("--env=EQUATION=a=b"),
    ];
    let out = probe(&options, &[os("env"), os("GREETING")]);
    assert_output(&out, 0, "hi there\n", "");

    let out = probe(&options, &[os("env"), os("IWASM_TEST_HOST_ONLY")]);
    assert_output(&out, 0, "<unset>\n", "");

    let out = probe(&options, &[os("env-all")]);
    let expected = "EMPTY=\nEQUATION=a=b\nGREETING=hi there\ncount 3\n";
    assert_output(&out, 0, expected, "");

    // No --env: an empty environment (the host's is not passed through).
    let out = probe(&[], &[os("env-all")]);
    assert_output(&out, 0, "count 0\n", "");
}

#[test]
fn stdout_and_stderr_are_separate() {
    let out = probe(&[], &[os("stdio")]);
    assert_output(&out, 0, "to stdout\n", "to stderr\n");
}

#[test]
fn stdin_is_passed_through() {
    let out = Run::new(&[] as &[&str], &programs().probe, &["stdin"])
        .stdin(b"line one\nline two\n")
        .output();
    assert_output(&out, 0, "18 bytes\nline one\nline two\n", "");

    let out = Run::new(&[] as &[&str], &programs().probe, &["stdin"]).output();
    assert_output(&out, 0, "0 bytes\n", "");
}

#[test]
fn proc_exit_code_becomes_the_exit_status() {
    for code in [0, 3, 42, 255] {
        let out = probe(&[], &[os("exit"), os(&code.to_string())]);
        assert_output(&out, code, "", "");
    }
}

#[test]
fn panic_traps_with_nonzero_exit() {
    let out = probe(&[], &[os("panic")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(text(&out.stdout), "");
    // Rust's panic message (written through fd_write), then iwasm's report of the trap.
    assert!(err.contains("panicked at"), "stderr: {err}");
    assert!(err.contains("boom from wasm"), "stderr: {err}");
    assert!(err.contains("Exception: unreachable\n"), "stderr: {err}");
}

#[test]
fn clocks_and_random() {
    let out = probe(&[], &[os("clock-random")]);
    let expected = "realtime after 2020: true\nmonotonic: true\nhashmap: 1\n";
    assert_output(&out, 0, expected, "");
}

/// What the probe's `files` command prints when everything works.
const PROBE_FILES_OUTPUT: &str = "\
read host.txt: from host
create a.txt: ok
append a.txt: ok
read a.txt: \"hello wasi\\nsecond line\\n\"
stat a.txt: file=true len=23
seek a.txt: ok
bytes 6..10: \"wasi\"
rename a.txt -> b.txt: ok
a.txt exists: false
list: b.txt host.txt
remove b.txt: ok
create sub: ok
stat sub: dir=true
create sub/c.txt: ok
list sub: c.txt
remove non-empty sub: refused
remove sub/c.txt: ok
remove sub: ok
read missing.txt: NotFound
create keep.txt: ok
list: host.txt keep.txt
";

#[track_caller]
fn assert_files_left_behind(sandbox: &Sandbox) {
    let dir = sandbox.dir();
    assert_eq!(names_in(&dir), ["host.txt", "keep.txt"]);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("read back");
    assert_eq!(read("host.txt"), "from host\n");
    assert_eq!(read("keep.txt"), "written by wasm\n");
    sandbox.assert_outside_untouched();
}

#[test]
fn file_operations_in_a_preopened_dir() {
    let sandbox = Sandbox::plain("files");
    let dir = sandbox.dir();
    let out = probe(&[&dir_option(&dir)], &[os("files"), dir.as_os_str()]);
    assert_output(&out, 0, PROBE_FILES_OUTPUT, "");
    assert_files_left_behind(&sandbox);
}

#[test]
fn file_operations_in_a_mapped_dir() {
    let sandbox = Sandbox::plain("map-dir");
    let mut option = OsString::from("--map-dir=/data::");
    option.push(sandbox.dir());
    let out = probe(&[&option], &[os("files"), os("/data")]);
    assert_output(&out, 0, PROBE_FILES_OUTPUT, "");
    assert_files_left_behind(&sandbox);

    // The host path itself is not visible to the guest, only its mapped name.
    let host_path = sandbox.dir().join("host.txt");
    let out = probe(&[&option], &[os("cat"), host_path.as_os_str()]);
    assert_output(&out, 0, "cannot read\n", "");
    let out = probe(&[&option], &[os("cat"), os("/data/host.txt")]);
    assert_output(&out, 0, "from host\n", "");
}

#[test]
fn file_operations_in_a_relative_dir() {
    let sandbox = Sandbox::plain("relative");
    let out = Run::new(&["--dir=."], &programs().probe, &["files", "."])
        .current_dir(&sandbox.dir())
        .output();
    assert_output(&out, 0, PROBE_FILES_OUTPUT, "");
    assert_files_left_behind(&sandbox);
}

#[test]
fn no_access_outside_the_preopened_dir() {
    let sandbox = Sandbox::with_links("escape");
    let dir = sandbox.dir();
    let out = probe(&[&dir_option(&dir)], &[os("escape"), dir.as_os_str()]);
    let expected = "\
read DIR/../outside.txt: denied
read /etc/passwd: denied
read DIR/link: denied
read DIR/rellink: denied
read DIR/dirlink/secret.txt: denied
read DIR/sub/../../outside.txt: denied
write DIR/../outside.txt: denied
write DIR/link: denied
write DIR/rellink: denied
write DIR/dirlink/secret.txt: denied
write DIR/dirlink/new.txt: denied
write DIR/../created-outside.txt: denied
list DIR/..: denied
remove DIR/../outside.txt: denied
";
    assert_output(&out, 0, expected, "");
    sandbox.assert_outside_untouched();
    // The symlinks themselves are still there, unchanged.
    for (name, target) in [("rellink", "../outside.txt"), ("inlink", "host.txt")] {
        let actual = std::fs::read_link(dir.join(name)).expect("read_link");
        assert_eq!(actual, Path::new(target));
    }
}

#[test]
fn no_files_without_a_preopened_dir() {
    let sandbox = Sandbox::plain("no-dir");
    let host_path = sandbox.dir().join("host.txt");
    let out = probe(&[], &[os("cat"), host_path.as_os_str()]);
    assert_output(&out, 0, "cannot read\n", "");
}

#[test]
fn symlink_inside_the_preopened_dir_is_followed() {
    let sandbox = Sandbox::with_links("inlink");
    let dir = sandbox.dir();
    let inlink = dir.join("inlink");
    let out = probe(&[&dir_option(&dir)], &[os("cat"), inlink.as_os_str()]);
    assert_output(&out, 0, "from host\n", "");
    sandbox.assert_outside_untouched();
}

#[test]
fn missing_preopen_dir_is_an_error() {
    let sandbox = Sandbox::plain("missing-dir");
    let missing = sandbox.dir().join("does-not-exist");
    let out = probe(&[&dir_option(&missing)], &[os("args")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(text(&out.stdout), "", "the program must not run");
    assert!(err.contains("does-not-exist"), "stderr: {err}");
}

// ---------------------------------------------------------------------------------------------
// The C programs (wasi-libc)

#[test]
fn c_hello_world() {
    let out = Run::new(
        &["--env=GREETING=bonjour"],
        &programs().c_hello,
        &["one", "two three"],
    )
    .output();
    let expected = "hello from C\nargc=3\nargv[1]=one\nargv[2]=two three\nGREETING=bonjour\n";
    assert_output(&out, 7, expected, "bye from C\n");

    let out = Run::new(&[] as &[&str], &programs().c_hello, &[] as &[&str]).output();
    assert_output(
        &out,
        7,
        "hello from C\nargc=1\nGREETING=(unset)\n",
        "bye from C\n",
    );
}

#[test]
fn c_file_operations() {
    let sandbox = Sandbox::plain("c-files");
    let dir = sandbox.dir();
    let out = Run::new(&[dir_option(&dir)], &programs().c_files, &[&dir]).output();
    let expected = "\
fopen c.txt for writing: ok
fputs: ok
fclose: ok
fopen c.txt for reading: ok
read: written by C
stat c.txt: ok
size=13 regular=1
open: ok
lseek: ok
read 4 bytes at 8: by C
mkdir d: ok
rename c.txt -> d/moved.txt: ok
list: d host.txt
unlink d/moved.txt: ok
rmdir d: ok
open missing.txt: error: No such file or directory
list: host.txt
";
    assert_output(&out, 0, expected, "");
    assert_eq!(names_in(&dir), ["host.txt"]);
    sandbox.assert_outside_untouched();
}

// ---------------------------------------------------------------------------------------------
// The official WASI test suite's cases (WebAssembly/wasi-testsuite), run as its WAMR adapter
// runs them: `iwasm --dir|--map-dir ... test.wasm ARGS` from the test's directory, with a
// scratch directory `fs-tests.dir`, checking the exit code and the whole output.

/// How the scratch directory is handed to the guest.
#[derive(Clone, Copy, Debug)]
enum Preopen {
    /// `--dir=fs-tests.dir`, relative to the current directory.
    Dir,
    /// `--map-dir=fs-tests.dir::<absolute host path>`.
    MapSame,
    /// `--map-dir=/::<absolute host path>`: the guest sees it as `/`.
    MapRoot,
}

/// The names of the cases `program` has (`program list`).
fn case_names(program: &Path) -> Vec<String> {
    let out = Run::new(&[] as &[&str], program, &["list"]).output();
    assert_output(&out, 0, &text(&out.stdout), "");
    text(&out.stdout).lines().map(str::to_owned).collect()
}

/// Runs case `name` of `program` in a fresh scratch directory; a description of what went
/// wrong (exit code, output, files left behind), if anything did.
fn run_case(program: &Path, name: &str, preopen: Preopen, expected_stdout: &str) -> Option<String> {
    let root = TempDir::new("suite");
    let scratch = root.path().join("fs-tests.dir");
    std::fs::create_dir(&scratch).expect("create fs-tests.dir");
    let (option, guest_name) = match preopen {
        Preopen::Dir => (OsString::from("--dir=fs-tests.dir"), "fs-tests.dir"),
        Preopen::MapSame => {
            let mut option = OsString::from("--map-dir=fs-tests.dir::");
            option.push(&scratch);
            (option, "fs-tests.dir")
        }
        Preopen::MapRoot => {
            let mut option = OsString::from("--map-dir=/::");
            option.push(&scratch);
            (option, "/")
        }
    };
    let out = Run::new(&[option], program, &[name, guest_name])
        .current_dir(root.path())
        .output();
    let left = names_in(&scratch);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    if out.status.code() == Some(0) && stdout == expected_stdout && left.is_empty() {
        return None;
    }
    Some(format!(
        "{name} ({preopen:?}): {}\nstdout:\n{stdout}\nstderr:\n{stderr}\nleft in fs-tests.dir: {left:?}",
        out.status
    ))
}

/// Runs every case of `program` with every way of preopening; fails listing every failure.
#[track_caller]
fn assert_cases_pass(program: &Path, expected_stdout: fn(&str) -> &'static str) {
    let names = case_names(program);
    assert!(names.len() >= 10, "cases: {names:?}");
    let failures: Vec<String> = [Preopen::Dir, Preopen::MapSame, Preopen::MapRoot]
        .into_iter()
        .flat_map(|preopen| {
            names
                .iter()
                .filter_map(move |name| run_case(program, name, preopen, expected_stdout(name)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} runs failed:\n\n{}",
        failures.len(),
        3 * names.len(),
        failures.join("\n\n")
    );
}

#[test]
fn official_suite_rust_cases_pass() {
    assert_cases_pass(&programs().rust_suite, |name| match name {
        "unicode_output" => "Héllo, wörld! 你好 ∑ 🎉\n",
        _ => "",
    });
}

#[test]
fn official_suite_c_cases_pass() {
    assert_cases_pass(&programs().c_suite, |_| "");
}

/// `program` compiled ahead of time (as `wamrc` does, default options) into an image beside
/// it: by the command in `$IWASM_TEST_WAMRC` if set (CI, under QEMU: the x86-64 host's
/// `wamrc --target=aarch64`), else in this process.
fn aot_image(program: &Path) -> PathBuf {
    let path = program.with_extension("aot");
    if let Ok(wamrc) = std::env::var("IWASM_TEST_WAMRC") {
        let mut words = wamrc.split_whitespace();
        let mut command = Command::new(words.next().expect("a wamrc command"));
        command.args(words).arg("-o").arg(&path).arg(program);
        let status = command.status().expect("run IWASM_TEST_WAMRC");
        assert!(status.success(), "{command:?}: {status}");
        return path;
    }
    let wasm = std::fs::read(program).expect("read the program");
    let module = iwasm::Module::new(&wasm).expect("a valid module");
    let image = iwasm::compile_aot(&module, &iwasm::AotOptions::default()).expect("compiles");
    std::fs::write(&path, image).expect("write the image");
    path
}

#[test]
fn official_suite_rust_cases_pass_from_aot_images() {
    assert_cases_pass(&aot_image(&programs().rust_suite), |name| match name {
        "unicode_output" => "Héllo, wörld! 你好 ∑ 🎉\n",
        _ => "",
    });
}

#[test]
fn official_suite_c_cases_pass_from_aot_images() {
    assert_cases_pass(&aot_image(&programs().c_suite), |_| "");
}
