//! Unit tests of the WASI functions against a plain byte vector as guest memory, above all the
//! sandbox: nothing outside the preopened directory is reachable.

use std::path::PathBuf;

use super::*;

/// A fresh directory under the system temp dir, unique to this test and process.
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("iwasm-wasi-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A context and 64 KiB of guest memory; paths go at 1024, results at 0.
struct Guest {
    ctx: WasiCtx,
    mem: Vec<u8>,
}

const PREOPEN: i32 = 3;

impl Guest {
    fn new(root: &Path) -> Guest {
        let ctx = WasiCtxBuilder::new()
            .arg("prog")
            .preopened_dir(root, "/sandbox")
            .build()
            .unwrap();
        Guest {
            ctx,
            mem: vec![0; 65536],
        }
    }

    fn call(&mut self, body: Body, args: &[Value]) -> Result<(), Errno> {
        body(&mut self.ctx, &mut self.mem, &Args(args))
    }

    /// Places `s` in guest memory at `at`; returns (ptr, len) arguments.
    fn put(&mut self, at: u32, s: &str) -> (Value, Value) {
        self.mem[at as usize..at as usize + s.len()].copy_from_slice(s.as_bytes());
        (Value::I32(at as i32), Value::I32(s.len() as i32))
    }

    fn open(&mut self, path: &str, dirflags: i32, oflags: i32, rights: u64) -> Result<u32, Errno> {
        let (p, l) = self.put(1024, path);
        let args = [
            Value::I32(PREOPEN),
            Value::I32(dirflags),
            p,
            l,
            Value::I32(oflags),
            Value::I64(rights as i64),
            Value::I64(0),
            Value::I32(0),
            Value::I32(0),
        ];
        self.call(open::path_open, &args)?;
        Ok(memory::read_u32(&self.mem, 0).unwrap())
    }

    fn path_op(&mut self, body: Body, path: &str) -> Result<(), Errno> {
        let (p, l) = self.put(1024, path);
        self.call(body, &[Value::I32(PREOPEN), p, l])
    }
}

const READ: u64 = rights::FD_READ;
const WRITE: u64 = rights::FD_WRITE;
const FOLLOW: i32 = 1;
const CREAT_TRUNC: i32 = 1 | 8;

#[track_caller]
fn refused(r: Result<impl core::fmt::Debug, Errno>) {
    match r {
        Err(Errno::NOTCAPABLE) | Err(Errno::PERM) => {}
        other => panic!("expected ENOTCAPABLE or EPERM, got {other:?}"),
    }
}

#[test]
fn sandbox_refuses_dotdot_absolute_and_escaping_symlinks() {
    let base = temp_dir("sandbox");
    let root = base.join("root");
    let outside = base.join("outside");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.txt");
    std::fs::write(&secret, "secret").unwrap();
    std::fs::write(root.join("inside.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("escape_dir")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", root.join("escape_file")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("escape_abs")).unwrap();

    let mut g = Guest::new(&root);
    // Inside works, also through `sub/..`.
    assert!(g.open("inside.txt", FOLLOW, 0, READ).is_ok());
    assert!(g.open("sub/../inside.txt", FOLLOW, 0, READ).is_ok());
    // `..`, absolute paths and symlinks leading outside are refused.
    refused(g.open("../outside/secret.txt", FOLLOW, 0, READ));
    refused(g.open("sub/../../outside/secret.txt", FOLLOW, 0, READ));
    refused(g.open("/etc/passwd", FOLLOW, 0, READ));
    refused(g.open("escape_dir/secret.txt", FOLLOW, 0, READ));
    refused(g.open("escape_file", FOLLOW, 0, READ));
    refused(g.open("escape_abs", FOLLOW, 0, READ));
    assert!(g.open("escape_file", 0, 0, READ).is_err());
    refused(g.open("escape_file", FOLLOW, CREAT_TRUNC, WRITE));
    refused(g.open("escape_dir/new.txt", FOLLOW, CREAT_TRUNC, WRITE));
    refused(g.path_op(fs::path_create_directory, "../made"));
    refused(g.path_op(fs::path_create_directory, "escape_dir/made"));
    refused(g.path_op(fs::path_unlink_file, "../outside/secret.txt"));
    refused(g.path_op(fs::path_unlink_file, "escape_dir/secret.txt"));
    assert!(g.path_op(fs::path_remove_directory, "../outside").is_err());
    // Renaming out of or into the outside is refused too.
    let (p1, l1) = g.put(1024, "inside.txt");
    let (p2, l2) = g.put(2048, "../outside/stolen.txt");
    refused(g.call(
        fs::path_rename,
        &[Value::I32(PREOPEN), p1, l1, Value::I32(PREOPEN), p2, l2],
    ));
    let (p1, l1) = g.put(1024, "escape_dir/secret.txt");
    let (p2, l2) = g.put(2048, "stolen.txt");
    refused(g.call(
        fs::path_rename,
        &[Value::I32(PREOPEN), p1, l1, Value::I32(PREOPEN), p2, l2],
    ));
    // A hard link to the outside file is refused.
    let (p1, l1) = g.put(1024, "escape_dir/secret.txt");
    let (p2, l2) = g.put(2048, "linked.txt");
    let args = [
        Value::I32(PREOPEN),
        Value::I32(0),
        p1,
        l1,
        Value::I32(PREOPEN),
        p2,
        l2,
    ];
    refused(g.call(fs::path_link, &args));
    // A symlink the guest plants pointing outside leads nowhere.
    for (target, link) in [
        ("/etc/passwd", "planted_abs"),
        ("../outside/secret.txt", "planted"),
    ] {
        let (p1, l1) = g.put(1024, target);
        let (p2, l2) = g.put(2048, link);
        if g.call(fs::path_symlink, &[p1, l1, Value::I32(PREOPEN), p2, l2])
            .is_ok()
        {
            refused(g.open(link, FOLLOW, 0, READ));
            refused(g.open(link, FOLLOW, CREAT_TRUNC, WRITE));
        }
    }
    // Stat through `..` is refused.
    let (p, l) = g.put(1024, "../outside/secret.txt");
    refused(g.call(
        fs::path_filestat_get,
        &[Value::I32(PREOPEN), Value::I32(FOLLOW), p, l, Value::I32(0)],
    ));

    // Nothing outside changed.
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "secret");
    let names: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("secret.txt")]);
    assert!(!base.join("made").exists());
    assert_eq!(
        std::fs::read_to_string(root.join("inside.txt")).unwrap(),
        "inside"
    );
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn bad_pointers_are_efault_and_bad_fds_ebadf() {
    let root = temp_dir("efault");
    let mut g = Guest::new(&root);
    let far = Value::I32(-16); // 0xffff_fff0: past the 64 KiB memory
    assert_eq!(
        g.call(clock::args_sizes_get, &[far, Value::I32(0)]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        g.call(clock::random_get, &[Value::I32(65500), Value::I32(100)]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        g.call(clock::clock_time_get, &[Value::I32(1), Value::I64(0), far]),
        Err(Errno::FAULT)
    );
    assert_eq!(
        g.call(
            clock::clock_time_get,
            &[Value::I32(9), Value::I64(0), Value::I32(0)]
        ),
        Err(Errno::INVAL)
    );
    assert_eq!(g.call(fd::fd_close, &[Value::I32(42)]), Err(Errno::BADF));
    // No stdio was inherited.
    assert_eq!(
        g.call(
            readwrite::fd_write,
            &[Value::I32(1), Value::I32(0), Value::I32(0), Value::I32(8)]
        ),
        Err(Errno::BADF)
    );
    let (p, _) = g.put(1024, "x");
    let args = [Value::I32(PREOPEN), p, Value::I32(70000)];
    assert_eq!(g.call(fs::path_create_directory, &args), Err(Errno::FAULT));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn rights_are_checked_and_only_shrink() {
    let root = temp_dir("rights");
    let mut g = Guest::new(&root);
    let fdstat = |g: &mut Guest, fd: u32| {
        g.call(fd::fd_fdstat_get, &[Value::I32(fd as i32), Value::I32(100)])
            .unwrap();
        let rights = |at: usize| u64::from_le_bytes(g.mem[at..at + 8].try_into().unwrap());
        (rights(108), rights(116))
    };
    let set_rights = |g: &mut Guest, fd: u32, base: u64, inheriting: u64| {
        let args = [
            Value::I32(fd as i32),
            Value::I64(base as i64),
            Value::I64(inheriting as i64),
        ];
        g.call(fd::fd_fdstat_set_rights, &args)
    };
    // A file gets what it asks for plus what does not depend on the access mode, never path
    // rights, and passes nothing on.
    let fd = g
        .open("f", 0, CREAT_TRUNC, READ | rights::PATH_OPEN)
        .unwrap();
    let (base, inheriting) = fdstat(&mut g, fd);
    assert_eq!(base & (READ | WRITE), READ);
    assert_ne!(base & rights::FD_TELL, 0);
    assert_eq!(base & rights::PATH_OPEN, 0);
    assert_eq!(inheriting, 0);
    // Reading is allowed; writing is EBADF (not opened for it); once FD_READ is dropped,
    // reading is ENOTCAPABLE; rights never grow back.
    let iov = [
        Value::I32(fd as i32),
        Value::I32(200),
        Value::I32(1),
        Value::I32(208),
    ];
    g.mem[200..208].copy_from_slice(&[0, 4, 0, 0, 4, 0, 0, 0]);
    assert_eq!(g.call(readwrite::fd_read, &iov), Ok(()));
    assert_eq!(g.call(readwrite::fd_write, &iov), Err(Errno::BADF));
    assert_eq!(set_rights(&mut g, fd, base & !READ, 0), Ok(()));
    assert_eq!(g.call(readwrite::fd_read, &iov), Err(Errno::NOTCAPABLE));
    assert_eq!(set_rights(&mut g, fd, base, 0), Err(Errno::NOTCAPABLE));
    // A directory never gets file I/O rights; its inheriting rights bound what is opened
    // below it, and truncating needs PATH_FILESTAT_SET_SIZE on it.
    let (dir_base, dir_inheriting) = fdstat(&mut g, PREOPEN as u32);
    assert_eq!(dir_base & (READ | WRITE | rights::FD_SEEK), 0);
    assert_eq!(
        set_rights(&mut g, PREOPEN as u32, dir_base, dir_inheriting & !WRITE),
        Ok(())
    );
    assert_eq!(g.open("f", 0, 0, WRITE), Err(Errno::NOTCAPABLE));
    assert!(g.open("f", 0, 0, READ).is_ok());
    let no_truncate = dir_base & !rights::PATH_FILESTAT_SET_SIZE;
    assert_eq!(set_rights(&mut g, PREOPEN as u32, no_truncate, 0), Ok(()));
    assert_eq!(g.open("f", 0, 8, 0), Err(Errno::NOTCAPABLE));
    // Path functions check the directory's rights too.
    assert_eq!(set_rights(&mut g, PREOPEN as u32, 0, 0), Ok(()));
    assert_eq!(
        g.path_op(fs::path_create_directory, "d"),
        Err(Errno::NOTCAPABLE)
    );
    assert_eq!(g.path_op(fs::path_unlink_file, "f"), Err(Errno::NOTCAPABLE));
    std::fs::remove_dir_all(&root).unwrap();
}
