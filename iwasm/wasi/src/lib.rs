//! WASI preview 1 (`wasi_snapshot_preview1`): the system interface of WASI command modules
//! (Rust's `wasm32-wasip1` std, wasi-libc).
//!
//! Build a [`WasiCtx`] with [`WasiCtxBuilder`] (arguments, environment, preopened
//! directories, stdio), then [`add_to_linker`] defines every `wasi_snapshot_preview1` function:
//!
//! ```no_run
//! use iwasm_wasi::{self as wasi, WasiCtxBuilder};
//! use iwasm::{Linker, Module, Store};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let module = Module::new(&std::fs::read("app.wasm")?)?;
//! let mut store = Store::new();
//! let mut linker = Linker::new();
//! let ctx = WasiCtxBuilder::new()
//!     .arg("app.wasm")
//!     .env("HOME", "/")
//!     .preopened_dir("/tmp/data", "/data")
//!     .inherit_stdio()
//!     .build()?;
//! wasi::add_to_linker(&mut linker, &mut store, ctx);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let start = instance.get_func(&store, "_start").unwrap();
//! match start.call(&mut store, &[]) {
//!     Ok(_) => {}
//!     Err(iwasm::Error::Trap(t)) if t.exit_code().is_some() => {} // proc_exit
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! **Sandbox.** The guest reaches the host file system only through the preopened
//! directories. Paths are resolved by [`cap_std`], which refuses `..` past the preopen,
//! absolute paths and symlinks leading outside (the guest sees `ENOTCAPABLE`), race-free.
//!
//! **Rights.** Every function checks the descriptor's kind, access mode and [`rights`]
//! (`ENOTCAPABLE`), and rights only shrink; the [`rights`] module lists what each function
//! checks.
//!
//! Guest memory is accessed only through the calling instance's memory, bounds-checked: a bad
//! pointer is `EFAULT`, never a panic. Every guest length, count and offset is computed
//! overflow-checked (`EFAULT`, `EINVAL`, `EOVERFLOW`), in debug and release builds alike.

#![warn(missing_docs)]

mod clock;
mod errno;
mod fd;
mod fs;
mod memory;
mod open;
mod poll;
mod readdir;
mod readwrite;
pub mod rights;
mod sock;
mod stat;
mod table;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use iwasm::{Caller, Func, FuncType, Linker, Store, Trap, ValType, Value};

pub use errno::Errno;
use table::{Descriptor, FdTable};

/// The WASI module name every function is defined under.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Builds a [`WasiCtx`].
#[derive(Clone, Debug, Default)]
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    preopens: Vec<(PathBuf, String)>,
    inherit_stdio: bool,
}

impl WasiCtxBuilder {
    /// No arguments, no environment, no preopened directories, no stdio.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// Appends one argument (the first is the program name, `argv[0]`).
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.args.push(arg.as_ref().as_bytes().to_vec());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Self {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    /// Adds the environment variable `name=value`.
    pub fn env(&mut self, name: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Self {
        let mut var = name.as_ref().as_bytes().to_vec();
        var.push(b'=');
        var.extend_from_slice(value.as_ref().as_bytes());
        self.env.push(var);
        self
    }

    /// Grants the guest the host directory `host`, which it sees as `guest` (e.g. `"."` or
    /// `"/data"`). The directory is opened by [`build`](Self::build).
    pub fn preopened_dir(&mut self, host: impl AsRef<Path>, guest: impl Into<String>) -> &mut Self {
        self.preopens
            .push((host.as_ref().to_path_buf(), guest.into()));
        self
    }

    /// Gives the guest the host's stdin, stdout and stderr as fds 0, 1 and 2 (otherwise those
    /// fds are closed).
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdio = true;
        self
    }

    /// Opens the preopened directories and builds the context. Fails if a directory cannot be
    /// opened.
    pub fn build(&self) -> io::Result<WasiCtx> {
        let mut fds = FdTable::default();
        if self.inherit_stdio {
            fds.insert_at(0, Descriptor::stdin());
            fds.insert_at(1, Descriptor::stdout());
            fds.insert_at(2, Descriptor::stderr());
        }
        for (host, guest) in &self.preopens {
            let dir = cap_std::fs::Dir::open_ambient_dir(host, cap_std::ambient_authority())
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", host.display())))?;
            fds.insert_from(3, Descriptor::preopen(dir, guest.clone()))
                .map_err(|_| io::Error::other("too many preopened directories"))?;
        }
        Ok(WasiCtx {
            args: self.args.clone(),
            env: self.env.clone(),
            fds,
        })
    }
}

/// The state of one WASI program: its arguments, environment and open file descriptors.
pub struct WasiCtx {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    fds: FdTable,
}

impl core::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .finish_non_exhaustive()
    }
}

/// A WASI function body: the context, the guest memory and the arguments (already checked
/// against the signature by the linker).
type Body = fn(&mut WasiCtx, &mut [u8], &Args) -> Result<(), Errno>;

/// The arguments of a host call.
pub(crate) struct Args<'a>(&'a [Value]);

impl Args<'_> {
    /// Argument `i`, an `i32`, as an unsigned guest value (pointer, length, fd, flags).
    pub fn u32(&self, i: usize) -> u32 {
        match self.0[i] {
            Value::I32(x) => x as u32,
            _ => 0,
        }
    }

    /// Argument `i`, an `i64`, unsigned.
    pub fn u64(&self, i: usize) -> u64 {
        match self.0[i] {
            Value::I64(x) => x as u64,
            _ => 0,
        }
    }
}

/// Defines every `wasi_snapshot_preview1` function in `linker`, all sharing `ctx`; returns the
/// shared context (e.g. to inspect it after the run).
pub fn add_to_linker(linker: &mut Linker, store: &mut Store, ctx: WasiCtx) -> Rc<RefCell<WasiCtx>> {
    let ctx = Rc::new(RefCell::new(ctx));
    let functions: &[(&str, &str, Body)] = &[
        ("args_get", "ii", clock::args_get),
        ("args_sizes_get", "ii", clock::args_sizes_get),
        ("environ_get", "ii", clock::environ_get),
        ("environ_sizes_get", "ii", clock::environ_sizes_get),
        ("clock_res_get", "ii", clock::clock_res_get),
        ("clock_time_get", "iIi", clock::clock_time_get),
        ("random_get", "ii", clock::random_get),
        ("proc_raise", "i", clock::proc_raise),
        ("sched_yield", "", clock::sched_yield),
        ("sock_accept", "iii", sock::sock_call),
        ("sock_recv", "iiiiii", sock::sock_call),
        ("sock_send", "iiiii", sock::sock_call),
        ("sock_shutdown", "ii", sock::sock_call),
        ("fd_advise", "iIIi", fd::fd_advise),
        ("fd_allocate", "iII", fd::fd_allocate),
        ("fd_close", "i", fd::fd_close),
        ("fd_datasync", "i", fd::fd_datasync),
        ("fd_fdstat_get", "ii", fd::fd_fdstat_get),
        ("fd_fdstat_set_flags", "ii", fd::fd_fdstat_set_flags),
        ("fd_fdstat_set_rights", "iII", fd::fd_fdstat_set_rights),
        ("fd_filestat_get", "ii", fd::fd_filestat_get),
        ("fd_filestat_set_size", "iI", fd::fd_filestat_set_size),
        ("fd_filestat_set_times", "iIIi", fd::fd_filestat_set_times),
        ("fd_pread", "iiiIi", readwrite::fd_pread),
        ("fd_prestat_get", "ii", fd::fd_prestat_get),
        ("fd_prestat_dir_name", "iii", fd::fd_prestat_dir_name),
        ("fd_pwrite", "iiiIi", readwrite::fd_pwrite),
        ("fd_read", "iiii", readwrite::fd_read),
        ("fd_readdir", "iiiIi", readdir::fd_readdir),
        ("fd_renumber", "ii", fd::fd_renumber),
        ("fd_seek", "iIii", readwrite::fd_seek),
        ("fd_sync", "i", fd::fd_sync),
        ("fd_tell", "ii", readwrite::fd_tell),
        ("fd_write", "iiii", readwrite::fd_write),
        ("path_create_directory", "iii", fs::path_create_directory),
        ("path_filestat_get", "iiiii", fs::path_filestat_get),
        (
            "path_filestat_set_times",
            "iiiiIIi",
            fs::path_filestat_set_times,
        ),
        ("path_link", "iiiiiii", fs::path_link),
        ("path_open", "iiiiiIIii", open::path_open),
        ("path_readlink", "iiiiii", fs::path_readlink),
        ("path_remove_directory", "iii", fs::path_remove_directory),
        ("path_rename", "iiiiii", fs::path_rename),
        ("path_symlink", "iiiii", fs::path_symlink),
        ("path_unlink_file", "iii", fs::path_unlink_file),
        ("poll_oneoff", "iiii", poll::poll_oneoff),
    ];
    for &(name, params, body) in functions {
        let params = params.bytes().map(|c| match c {
            b'I' => ValType::I64,
            _ => ValType::I32,
        });
        let ty = FuncType::new(params, [ValType::I32]);
        let ctx = ctx.clone();
        let func = Func::new(store, ty, move |caller, args, results| {
            let mut ctx = ctx.borrow_mut();
            let errno = match call(caller, &mut ctx, body, args) {
                Ok(()) => 0,
                Err(e) => e.0,
            };
            log::trace!("wasi: {name}{args:?} -> {errno}");
            results[0] = Value::I32(i32::from(errno));
            Ok(())
        });
        linker.define(MODULE, name, func);
    }
    let proc_exit = Func::wrap(store, |status: i32| -> Result<(), Trap> {
        log::debug!("wasi: proc_exit({status})");
        Err(Trap::exit(status))
    });
    linker.define(MODULE, "proc_exit", proc_exit);
    ctx
}

/// Runs `body` against the caller's memory (an empty one if the instance has none, so every
/// pointer is `EFAULT`).
fn call(
    caller: &mut Caller<'_>,
    ctx: &mut WasiCtx,
    body: Body,
    args: &[Value],
) -> Result<(), Errno> {
    let args = Args(args);
    match caller.memory() {
        Some(memory) => body(ctx, memory.data_mut(caller.store()), &args),
        None => body(ctx, &mut [], &args),
    }
}
