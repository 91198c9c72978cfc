//! The WASI preview 1 conformance cases, written after WebAssembly/wasi-testsuite's Rust
//! tests (themselves wasmtime's): one command per test, each calling the raw
//! `wasi_snapshot_preview1` functions and asserting what they return.
//!
//! ```text
//! wasi-suite TEST [DIR]   runs TEST in the preopened directory named DIR (the scratch
//!                         directory, left as it was found); a failed assertion panics
//! wasi-suite list         the names of the tests
//! ```
//!
//! As in the official suite, `assert_errno!` accepts any of the errnos it lists (the suite's
//! "permissive" mode, its default). Built for wasm32-wasip1 by
//! product-mini/platforms/linux/tests/wasi_programs.rs.

mod fds;
mod files;
mod misc;
mod paths;
mod symlinks;

/// Asserts that an errno is one of those listed.
#[macro_export]
macro_rules! assert_errno {
    ($got:expr, $($expected:expr),+ $(,)?) => {{
        let got: wasi::Errno = $got;
        let expected = [$($expected),+];
        assert!(
            expected.contains(&got),
            "expected one of {:?}, got {} ({})",
            expected.iter().map(|e| e.name()).collect::<Vec<_>>(),
            got.name(),
            got.raw()
        );
    }};
}

/// A test: given the scratch directory's fd (or 0) and the program's arguments.
type Test = unsafe fn(wasi::Fd, &[String]);

/// Every test, by its name in the official suite, and whether it needs the scratch directory.
const TESTS: &[(&str, bool, Test)] = &[
    ("big_random_buf", false, misc::big_random_buf),
    ("clock_time_get", false, misc::clock_time_get),
    ("close_preopen", true, fds::close_preopen),
    ("dangling_fd", true, fds::dangling_fd),
    ("dangling_symlink", true, symlinks::dangling_symlink),
    ("dir_fd_op_failures", true, fds::dir_fd_op_failures),
    ("directory_seek", true, fds::directory_seek),
    ("fd_advise", true, files::fd_advise),
    ("fd_fdstat_set_rights", true, fds::fd_fdstat_set_rights),
    ("fd_filestat_get", false, misc::fd_filestat_get),
    ("fd_filestat_set", true, files::fd_filestat_set),
    ("fd_flags_set", true, files::fd_flags_set),
    ("fd_readdir", true, fds::fd_readdir),
    ("file_allocate", true, files::file_allocate),
    ("file_pread_pwrite", true, files::file_pread_pwrite),
    ("file_seek_tell", true, files::file_seek_tell),
    ("file_truncation", true, files::file_truncation),
    ("file_unbuffered_write", true, files::file_unbuffered_write),
    ("fstflags_validate", true, files::fstflags_validate),
    ("interesting_paths", true, paths::interesting_paths),
    ("isatty", true, misc::isatty),
    ("nofollow_errors", true, symlinks::nofollow_errors),
    ("overwrite_preopen", true, fds::overwrite_preopen),
    ("path_exists", true, symlinks::path_exists),
    ("path_filestat", true, paths::path_filestat),
    ("path_link", true, symlinks::path_link),
    (
        "path_open_create_existing",
        true,
        paths::path_open_create_existing,
    ),
    (
        "path_open_dirfd_not_dir",
        true,
        paths::path_open_dirfd_not_dir,
    ),
    ("path_open_missing", true, paths::path_open_missing),
    ("path_open_lots", true, files::path_open_lots),
    ("path_open_nonblock", true, paths::path_open_nonblock),
    ("path_open_preopen", false, fds::path_open_preopen),
    ("path_open_read_write", true, files::path_open_read_write),
    ("path_rename", true, paths::path_rename),
    (
        "path_rename_dir_trailing_slashes",
        true,
        paths::path_rename_dir_trailing_slashes,
    ),
    (
        "path_symlink_trailing_slashes",
        true,
        symlinks::path_symlink_trailing_slashes,
    ),
    ("poll_oneoff_files", true, misc::poll_oneoff_files),
    ("poll_oneoff_stdio", false, misc::poll_oneoff_stdio),
    ("readlink", true, symlinks::readlink),
    (
        "remove_directory_trailing_slashes",
        true,
        paths::remove_directory_trailing_slashes,
    ),
    (
        "remove_nonempty_directory",
        true,
        paths::remove_nonempty_directory,
    ),
    ("renumber", true, fds::renumber),
    ("sched_yield", false, misc::sched_yield),
    (
        "sleep_quickly_but_lots",
        false,
        misc::sleep_quickly_but_lots,
    ),
    ("sock_errors", true, misc::sock_errors),
    ("stdio", true, misc::stdio),
    ("symlink_create", true, symlinks::symlink_create),
    ("symlink_filestat", true, symlinks::symlink_filestat),
    ("symlink_loop", true, symlinks::symlink_loop),
    ("truncation_rights", true, fds::truncation_rights),
    ("unicode_output", false, misc::unicode_output),
    (
        "unlink_file_trailing_slashes",
        true,
        paths::unlink_file_trailing_slashes,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("");
    if name == "list" {
        for (name, _, _) in TESTS {
            println!("{name}");
        }
        return;
    }
    let Some(&(_, needs_dir, test)) = TESTS.iter().find(|t| t.0 == name) else {
        eprintln!("usage: wasi-suite TEST [DIR] | wasi-suite list");
        std::process::exit(2);
    };
    let dir_fd = if needs_dir {
        let dir = args.get(2).expect("the scratch directory's name");
        open_scratch_directory(dir).unwrap_or_else(|e| panic!("{e}"))
    } else {
        0
    };
    // SAFETY: the tests call the raw WASI functions with buffers they own.
    unsafe { test(dir_fd, &args) }
}

/// Opens the preopened directory named `path` as the official suite does: a `path_open` of
/// `.` with the preopen's own rights.
fn open_scratch_directory(path: &str) -> Result<wasi::Fd, String> {
    // SAFETY: the name buffer has the capacity `fd_prestat_dir_name` is told.
    unsafe {
        for i in 3.. {
            let Ok(stat) = wasi::fd_prestat_get(i) else {
                break;
            };
            if stat.tag != wasi::PREOPENTYPE_DIR.raw() {
                continue;
            }
            let mut name = Vec::with_capacity(stat.u.dir.pr_name_len);
            if wasi::fd_prestat_dir_name(i, name.as_mut_ptr(), name.capacity()).is_err() {
                continue;
            }
            name.set_len(stat.u.dir.pr_name_len);
            if name == path.as_bytes() {
                let stat = wasi::fd_fdstat_get(i).expect("fd_fdstat_get of the preopen");
                let fd = wasi::path_open(
                    i,
                    0,
                    ".",
                    wasi::OFLAGS_DIRECTORY,
                    stat.fs_rights_base,
                    stat.fs_rights_inheriting,
                    0,
                )
                .expect("failed to open dir");
                return Ok(fd);
            }
        }
    }
    Err(format!("failed to find scratch dir {path}"))
}

/// Creates an empty file `name` in `dir_fd`.
unsafe fn create_file(dir_fd: wasi::Fd, name: &str) {
    let fd =
        wasi::path_open(dir_fd, 0, name, wasi::OFLAGS_CREAT, 0, 0, 0).expect("creating a file");
    assert!(fd > 2, "file descriptor range check");
    wasi::fd_close(fd).expect("closing a file");
}
