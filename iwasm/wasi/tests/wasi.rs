//! WASI through real wasm: a WAT module imports `wasi_snapshot_preview1` functions and exports
//! thin wrappers, which the tests call with pointers into its memory. No toolchain needed.

#![cfg(unix)]

use std::path::PathBuf;

use iwasm::{Error, Instance, Linker, Memory, Module, Store, Value};
use iwasm_wasi::{self as wasi, WasiCtxBuilder};

/// The imported functions: name and parameter types (`i` i32, `I` i64); all return i32.
const IMPORTS: &[(&str, &str)] = &[
    ("args_sizes_get", "ii"),
    ("args_get", "ii"),
    ("environ_sizes_get", "ii"),
    ("environ_get", "ii"),
    ("clock_time_get", "iIi"),
    ("random_get", "ii"),
    ("path_open", "iiiiiIIii"),
    ("fd_write", "iiii"),
    ("fd_read", "iiii"),
    ("fd_seek", "iIii"),
    ("fd_close", "i"),
    ("fd_readdir", "iiiIi"),
    ("fd_prestat_get", "ii"),
    ("fd_prestat_dir_name", "iii"),
    ("fd_filestat_get", "ii"),
    ("path_rename", "iiiiii"),
    ("path_unlink_file", "iii"),
    ("path_create_directory", "iii"),
    ("poll_oneoff", "iiii"),
    ("fd_pread", "iiiIi"),
    ("fd_pwrite", "iiiIi"),
    ("fd_fdstat_get", "ii"),
    ("fd_allocate", "iII"),
    ("fd_filestat_set_size", "iI"),
    ("path_filestat_get", "iiiii"),
    ("clock_res_get", "ii"),
    ("sock_shutdown", "ii"),
];

/// The module: every import, a wrapper `w_<name>` for each, and memory.
fn module_wat() -> String {
    let mut wat = String::from("(module\n");
    for (name, sig) in IMPORTS {
        let params: Vec<&str> = sig
            .chars()
            .map(|c| if c == 'I' { "i64" } else { "i32" })
            .collect();
        let params = params.join(" ");
        wat += &format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} (param {params}) (result i32)))\n"
        );
    }
    wat += "(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n";
    wat += "(memory (export \"memory\") 1)\n";
    for (name, sig) in IMPORTS {
        let params: Vec<&str> = sig
            .chars()
            .map(|c| if c == 'I' { "i64" } else { "i32" })
            .collect();
        let gets: String = (0..params.len())
            .map(|i| format!("(local.get {i})"))
            .collect();
        wat += &format!(
            "(func (export \"w_{name}\") (param {}) (result i32) (call ${name} {gets}))\n",
            params.join(" ")
        );
    }
    wat += "(func (export \"exit\") (param i32) (call $proc_exit (local.get 0)))\n)";
    wat
}

fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("iwasm-wasit-{tag}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Guest {
    store: Store,
    instance: Instance,
    memory: Memory,
}

impl Guest {
    fn new(builder: &WasiCtxBuilder) -> Guest {
        let module = Module::new(&wat::parse_str(module_wat()).unwrap()).unwrap();
        let mut store = Store::new();
        let mut linker = Linker::new();
        wasi::add_to_linker(&mut linker, &mut store, builder.build().unwrap());
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let memory = instance.get_memory(&store, "memory").unwrap();
        Guest {
            store,
            instance,
            memory,
        }
    }

    /// Calls wrapper `w_<name>`; returns the errno.
    fn call(&mut self, name: &str, args: &[Value]) -> i32 {
        let f = self
            .instance
            .get_func(&self.store, &format!("w_{name}"))
            .unwrap();
        match f.call(&mut self.store, args).unwrap()[..] {
            [Value::I32(errno)] => errno,
            ref other => panic!("{other:?}"),
        }
    }

    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.memory.data_mut(&mut self.store)[at..at + bytes.len()].copy_from_slice(bytes);
    }

    fn get(&self, at: usize, len: usize) -> Vec<u8> {
        self.memory.data(&self.store)[at..at + len].to_vec()
    }

    fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.get(at, 4).try_into().unwrap())
    }

    fn u64(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.get(at, 8).try_into().unwrap())
    }

    /// path_open relative to fd 3; the new fd, or the errno.
    fn open(&mut self, path: &str, oflags: i32, rights: i64, fdflags: i32) -> Result<u32, i32> {
        self.put(1000, path.as_bytes());
        let args = [3, 1, 1000, path.len() as i32, oflags].map(Value::I32);
        let mut all = args.to_vec();
        all.extend([
            Value::I64(rights),
            Value::I64(0),
            Value::I32(fdflags),
            Value::I32(0),
        ]);
        match self.call("path_open", &all) {
            0 => Ok(self.u32(0)),
            e => Err(e),
        }
    }

    /// fd_write of `data` (placed at 2000, iovec at 100); bytes written.
    fn write(&mut self, fd: u32, data: &[u8]) -> u32 {
        self.put(2000, data);
        self.put(100, &2000u32.to_le_bytes());
        self.put(104, &(data.len() as u32).to_le_bytes());
        let args = [fd as i32, 100, 1, 8].map(Value::I32);
        assert_eq!(self.call("fd_write", &args), 0);
        self.u32(8)
    }

    /// fd_read into 3000 (iovec at 100): the bytes read.
    fn read(&mut self, fd: u32, max: u32) -> Vec<u8> {
        self.put(100, &3000u32.to_le_bytes());
        self.put(104, &max.to_le_bytes());
        let args = [fd as i32, 100, 1, 8].map(Value::I32);
        assert_eq!(self.call("fd_read", &args), 0);
        let n = self.u32(8) as usize;
        self.get(3000, n)
    }
}

const CREAT: i32 = 1;
const EXCL: i32 = 4;
const TRUNC: i32 = 8;
const READ_WRITE: i64 = (1 << 1) | (1 << 6) | (1 << 2);

#[test]
fn files_in_a_preopened_directory() {
    let root = temp_dir("files");
    let mut builder = WasiCtxBuilder::new();
    builder.preopened_dir(&root, "/work");
    let mut g = Guest::new(&builder);

    // The preopen is fd 3, named /work.
    assert_eq!(g.call("fd_prestat_get", &[Value::I32(3), Value::I32(0)]), 0);
    assert_eq!((g.u32(0), g.u32(4)), (0, 5));
    assert_eq!(
        g.call("fd_prestat_dir_name", &[3, 500, 5].map(Value::I32)),
        0
    );
    assert_eq!(g.get(500, 5), b"/work");
    assert_eq!(g.call("fd_prestat_get", &[Value::I32(4), Value::I32(0)]), 8); // EBADF

    // Create, write, seek back, read.
    let fd = g.open("hello.txt", CREAT | TRUNC, READ_WRITE, 0).unwrap();
    assert_eq!(g.write(fd, b"hello, wasi"), 11);
    let seek = [
        Value::I32(fd as i32),
        Value::I64(0),
        Value::I32(0),
        Value::I32(16),
    ];
    assert_eq!(g.call("fd_seek", &seek), 0);
    assert_eq!(g.u64(16), 0);
    assert_eq!(g.read(fd, 5), b"hello");
    assert_eq!(g.read(fd, 100), b", wasi");
    assert_eq!(g.read(fd, 100), b"");
    // filestat: a regular file of 11 bytes.
    assert_eq!(
        g.call("fd_filestat_get", &[Value::I32(fd as i32), Value::I32(200)]),
        0
    );
    assert_eq!(g.get(216, 1), [4]);
    assert_eq!(g.u64(232), 11);
    assert_eq!(g.call("fd_close", &[Value::I32(fd as i32)]), 0);
    assert_eq!(g.call("fd_close", &[Value::I32(fd as i32)]), 8); // EBADF
    assert_eq!(
        std::fs::read(root.join("hello.txt")).unwrap(),
        b"hello, wasi"
    );

    // Exclusive create of an existing file: EEXIST (20); opening a missing one: ENOENT (44).
    assert_eq!(g.open("hello.txt", CREAT | EXCL, READ_WRITE, 0), Err(20));
    assert_eq!(g.open("missing.txt", 0, READ_WRITE, 0), Err(44));
    // Append mode.
    let fd = g.open("hello.txt", 0, READ_WRITE, 1).unwrap();
    g.write(fd, b"!");
    assert_eq!(g.call("fd_close", &[Value::I32(fd as i32)]), 0);
    assert_eq!(
        std::fs::read(root.join("hello.txt")).unwrap(),
        b"hello, wasi!"
    );

    // A directory, then list the preopen.
    g.put(1000, b"sub");
    assert_eq!(
        g.call("path_create_directory", &[3, 1000, 3].map(Value::I32)),
        0
    );
    let args = [
        Value::I32(3),
        Value::I32(4000),
        Value::I32(1024),
        Value::I64(0),
        Value::I32(0),
    ];
    assert_eq!(g.call("fd_readdir", &args), 0);
    let used = g.u32(0) as usize;
    let buf = g.get(4000, used);
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= buf.len() {
        let len = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push((
            String::from_utf8(buf[at + 24..at + 24 + len].to_vec()).unwrap(),
            buf[at + 20],
        ));
        at += 24 + len;
    }
    assert_eq!(
        names,
        vec![
            (".".into(), 3),
            ("..".into(), 3),
            ("hello.txt".into(), 4),
            ("sub".into(), 3)
        ]
    );
    // From a cookie: only what follows entry 3.
    let args = [
        Value::I32(3),
        Value::I32(4000),
        Value::I32(1024),
        Value::I64(3),
        Value::I32(0),
    ];
    assert_eq!(g.call("fd_readdir", &args), 0);
    assert_eq!(g.get(4024, 3), b"sub");

    // Rename into the subdirectory, then unlink.
    g.put(1000, b"hello.txt");
    g.put(1100, b"sub/moved.txt");
    assert_eq!(
        g.call("path_rename", &[3, 1000, 9, 3, 1100, 13].map(Value::I32)),
        0
    );
    assert!(root.join("sub/moved.txt").exists() && !root.join("hello.txt").exists());
    assert_eq!(
        g.call("path_unlink_file", &[3, 1100, 13].map(Value::I32)),
        0
    );
    assert!(!root.join("sub/moved.txt").exists());
    // Escapes are refused with ENOTCAPABLE (76).
    assert_eq!(g.open("../escape.txt", CREAT, READ_WRITE, 0), Err(76));
    assert_eq!(g.open("/etc/passwd", 0, READ_WRITE, 0), Err(76));
    assert!(!root.parent().unwrap().join("escape.txt").exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn args_environ_clocks_random() {
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(["prog", "a", "bc"])
        .env("K", "v")
        .env("EMPTY", "");
    let mut g = Guest::new(&builder);
    assert_eq!(g.call("args_sizes_get", &[0, 4].map(Value::I32)), 0);
    assert_eq!((g.u32(0), g.u32(4)), (3, 10));
    assert_eq!(g.call("args_get", &[100, 200].map(Value::I32)), 0);
    assert_eq!((g.u32(100), g.u32(104), g.u32(108)), (200, 205, 207));
    assert_eq!(g.get(200, 10), b"prog\0a\0bc\0");
    assert_eq!(g.call("environ_sizes_get", &[0, 4].map(Value::I32)), 0);
    assert_eq!((g.u32(0), g.u32(4)), (2, 4 + 7));
    assert_eq!(g.call("environ_get", &[100, 200].map(Value::I32)), 0);
    assert_eq!(g.get(200, 11), b"K=v\0EMPTY=\0");

    // Monotonic time increases; realtime is after 2020; a bad clock is EINVAL (28).
    let time = |g: &mut Guest, id: i32| {
        assert_eq!(
            g.call(
                "clock_time_get",
                &[Value::I32(id), Value::I64(1), Value::I32(0)]
            ),
            0
        );
        g.u64(0)
    };
    let t1 = time(&mut g, 1);
    std::thread::sleep(std::time::Duration::from_millis(2));
    let t2 = time(&mut g, 1);
    assert!(t2 > t1 + 1_000_000, "{t1} {t2}");
    assert!(time(&mut g, 0) > 1_577_836_800_000_000_000);
    assert!(time(&mut g, 2) > 0);
    assert_eq!(
        g.call(
            "clock_time_get",
            &[Value::I32(7), Value::I64(1), Value::I32(0)]
        ),
        28
    );

    // random_get fills the buffer (64 zero bytes staying zero has chance 2^-512).
    assert_eq!(g.call("random_get", &[100, 64].map(Value::I32)), 0);
    assert!(g.get(100, 64).iter().any(|&b| b != 0));
    // Out of bounds: EFAULT (21).
    assert_eq!(g.call("random_get", &[65530, 64].map(Value::I32)), 21);

    // poll_oneoff with one relative 1 ms clock subscription.
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&77u64.to_le_bytes());
    sub[16..20].copy_from_slice(&1u32.to_le_bytes());
    sub[24..32].copy_from_slice(&1_000_000u64.to_le_bytes());
    g.put(100, &sub);
    let before = std::time::Instant::now();
    assert_eq!(g.call("poll_oneoff", &[100, 200, 1, 0].map(Value::I32)), 0);
    assert!(before.elapsed() >= std::time::Duration::from_millis(1));
    assert_eq!(g.u32(0), 1);
    assert_eq!(g.u64(200), 77);
}

#[test]
fn proc_exit_status() {
    let mut g = Guest::new(&WasiCtxBuilder::new());
    let exit = g.instance.get_func(&g.store, "exit").unwrap();
    match exit.call(&mut g.store, &[Value::I32(3)]) {
        Err(Error::Trap(trap)) => assert_eq!(trap.exit_code(), Some(3)),
        other => panic!("expected an exit trap, got {other:?}"),
    }
}

const EFAULT: i32 = 21;
const EINVAL: i32 = 28;
const EFBIG: i32 = 22;
const EBADF: i32 = 8;

#[test]
fn hostile_arguments_are_error_codes() {
    let root = temp_dir("hostile");
    let mut builder = WasiCtxBuilder::new();
    builder.args(["prog", "a", "bc"]).env("K", "v");
    builder.preopened_dir(&root, "/work");
    let mut g = Guest::new(&builder);
    let rights = READ_WRITE | (1 << 8) | (1 << 22); // and FD_ALLOCATE, FD_FILESTAT_SET_SIZE
    let fd = g.open("f.txt", CREAT | TRUNC, rights, 0).unwrap() as i32;
    // A sentinel at address 0: a wrapped-around access would land there.
    g.put(0, &[0xaa; 64]);
    // Two iovecs of 2 GiB (their total overflows a u32), one at the end of memory, one
    // wrapping around the address space.
    g.put(100, &[0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    g.put(200, &[0xff, 0xff, 0, 0, 2, 0, 0, 0]);
    g.put(300, &[0xfe, 0xff, 0xff, 0xff, 8, 0, 0, 0]);
    g.put(400, &[0x00, 0x10, 0, 0, 4, 0, 0, 0]); // a good one: 4 bytes at 4096
    g.put(500, b"f.txt");
    g.put(600, b"g.txt");
    let end = 65536;
    let max = -1; // u32::MAX
    let i = Value::I32;
    let l = Value::I64;
    let cases: Vec<(&str, Vec<Value>, &[i32])> = vec![
        ("fd_write", vec![i(fd), i(100), i(2), i(3000)], &[EINVAL]),
        (
            "fd_write",
            vec![i(fd), i(end - 4), i(1), i(3000)],
            &[EFAULT],
        ),
        ("fd_write", vec![i(fd), i(100), i(max), i(3000)], &[EFAULT]),
        ("fd_write", vec![i(fd), i(200), i(1), i(3000)], &[EFAULT]),
        ("fd_write", vec![i(fd), i(300), i(1), i(3000)], &[EFAULT]),
        ("fd_write", vec![i(fd), i(400), i(1), i(max - 1)], &[EFAULT]),
        ("fd_read", vec![i(fd), i(100), i(2), i(3000)], &[EINVAL]),
        ("fd_read", vec![i(fd), i(300), i(1), i(3000)], &[EFAULT]),
        (
            "fd_pread",
            vec![i(fd), i(400), i(1), l(-1), i(3000)],
            &[EINVAL],
        ),
        (
            "fd_pwrite",
            vec![i(fd), i(400), i(1), l(-1), i(3000)],
            &[EINVAL],
        ),
        (
            "fd_pwrite",
            vec![i(fd), i(100), i(2), l(0), i(3000)],
            &[EINVAL],
        ),
        (
            "fd_seek",
            vec![i(fd), l(i64::MIN), i(1), i(3000)],
            &[EINVAL],
        ),
        ("fd_seek", vec![i(fd), l(0), i(1), i(max - 3)], &[EFAULT]),
        ("fd_allocate", vec![i(fd), l(-1), l(2)], &[EFBIG]),
        ("fd_filestat_set_size", vec![i(fd), l(-1)], &[EINVAL, EFBIG]),
        ("fd_fdstat_get", vec![i(fd), i(max - 3)], &[EFAULT]),
        ("fd_fdstat_get", vec![i(fd), i(end - 23)], &[EFAULT]),
        ("fd_filestat_get", vec![i(fd), i(end - 63)], &[EFAULT]),
        ("fd_prestat_get", vec![i(3), i(max - 3)], &[EFAULT]),
        (
            "fd_prestat_dir_name",
            vec![i(3), i(end - 2), i(5)],
            &[EFAULT],
        ),
        ("fd_prestat_dir_name", vec![i(3), i(max), i(5)], &[EFAULT]),
        (
            "fd_readdir",
            vec![i(3), i(end - 10), i(max), l(0), i(3000)],
            &[EFAULT],
        ),
        (
            "fd_readdir",
            vec![i(3), i(1000), i(100), l(-1), i(max)],
            &[EFAULT],
        ),
        (
            "path_open",
            vec![i(3), i(0), i(500), i(max), i(0), l(0), l(0), i(0), i(3000)],
            &[EFAULT],
        ),
        (
            "path_open",
            vec![i(3), i(0), i(max), i(2), i(0), l(0), l(0), i(0), i(3000)],
            &[EFAULT],
        ),
        (
            "path_open",
            vec![i(max), i(0), i(500), i(5), i(0), l(0), l(0), i(0), i(3000)],
            &[EBADF],
        ),
        (
            "path_open",
            vec![i(3), i(0), i(500), i(5), i(-1), l(0), l(0), i(0), i(3000)],
            &[EINVAL],
        ),
        (
            "path_open",
            vec![i(3), i(0), i(500), i(5), i(0), l(0), l(0), i(-1), i(3000)],
            &[EINVAL],
        ),
        (
            "path_filestat_get",
            vec![i(3), i(0), i(500), i(5), i(end - 1)],
            &[EFAULT],
        ),
        (
            "path_create_directory",
            vec![i(3), i(end - 1), i(2)],
            &[EFAULT],
        ),
        (
            "path_rename",
            vec![i(3), i(500), i(5), i(3), i(max), i(max)],
            &[EFAULT],
        ),
        ("path_unlink_file", vec![i(3), i(max), i(1)], &[EFAULT]),
        ("args_sizes_get", vec![i(end - 2), i(3000)], &[EFAULT]),
        ("args_get", vec![i(end - 4), i(1000)], &[EFAULT]),
        ("args_get", vec![i(max - 3), i(1000)], &[EFAULT]),
        ("args_get", vec![i(1000), i(max - 3)], &[EFAULT]),
        ("environ_get", vec![i(1000), i(max)], &[EFAULT]),
        ("environ_sizes_get", vec![i(3000), i(max)], &[EFAULT]),
        ("clock_time_get", vec![i(1), l(0), i(end - 7)], &[EFAULT]),
        ("clock_res_get", vec![i(1), i(max)], &[EFAULT]),
        ("clock_res_get", vec![i(max), i(3000)], &[EINVAL]),
        ("random_get", vec![i(max), i(2)], &[EFAULT]),
        ("random_get", vec![i(end), i(max)], &[EFAULT]),
        (
            "poll_oneoff",
            vec![i(1000), i(2000), i(max), i(3000)],
            &[EFAULT],
        ),
        (
            "poll_oneoff",
            vec![i(1000), i(2000), i(0x0555_5556), i(3000)],
            &[EFAULT],
        ),
        (
            "poll_oneoff",
            vec![i(1000), i(end - 16), i(1), i(3000)],
            &[EFAULT],
        ),
        (
            "poll_oneoff",
            vec![i(end - 40), i(2000), i(1), i(3000)],
            &[EFAULT],
        ),
        (
            "poll_oneoff",
            vec![i(1000), i(2000), i(0), i(3000)],
            &[EINVAL],
        ),
        ("sock_shutdown", vec![i(max), i(1)], &[EBADF]),
        ("fd_close", vec![i(max)], &[EBADF]),
    ];
    let mut wrong = Vec::new();
    for (name, args, expected) in &cases {
        let errno = g.call(name, args);
        if !expected.contains(&errno) {
            wrong.push(format!("{name}{args:?} = {errno}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(g.get(0, 64), [0xaa; 64], "nothing written at address 0");
    // Nothing above went through: the file is empty, and the fd still works.
    assert_eq!(g.write(fd as u32, b"ok"), 2);
    assert_eq!(std::fs::read(root.join("f.txt")).unwrap(), b"ok");
    assert!(
        !root.join("g.txt").exists(),
        "no file created for a bad opened_fd pointer"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// What the official suite's AssemblyScript cases check: sizes with no arguments or
/// variables, `fd_write` to a closed fd, `random_get` of nothing.
#[test]
fn assemblyscript_cases() {
    let mut g = Guest::new(&WasiCtxBuilder::new());
    assert_eq!(g.call("args_sizes_get", &[0, 4].map(Value::I32)), 0);
    assert_eq!((g.u32(0), g.u32(4)), (0, 0));
    assert_eq!(g.call("environ_sizes_get", &[0, 4].map(Value::I32)), 0);
    assert_eq!((g.u32(0), g.u32(4)), (0, 0));
    g.put(100, &[0, 2, 0, 0, 5, 0, 0, 0]);
    assert_eq!(g.call("fd_write", &[1, 100, 1, 8].map(Value::I32)), EBADF);
    assert_eq!(g.call("fd_write", &[100, 100, 1, 8].map(Value::I32)), EBADF);
    assert_eq!(g.call("random_get", &[65536, 0].map(Value::I32)), 0);
    assert_eq!(g.call("random_get", &[100, 0].map(Value::I32)), 0);
}
