//! The file descriptor table and the `fd_*` functions.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirEntryExt, FileExt};

use cap_std::fs::{Dir, FileTypeExt, Metadata, MetadataExt};

use super::errno::Errno;
use super::memory::{
    iovecs, slice, slice_mut, write_bytes, write_u16, write_u32, write_u64, write_u8,
};
use super::{Args, WasiCtx};

/// WASI `rights` bits.
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// Every right defined by preview 1.
    pub const ALL: u64 = (1 << 30) - 1;
    /// The rights that make sense on a regular file.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
    /// The rights that make sense on a directory (everything but file I/O).
    pub const DIR: u64 = ALL & !(FD_READ | FD_WRITE | FD_SEEK | FD_TELL | FD_ALLOCATE);
}

/// WASI `filetype` values.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// WASI `fdflags` bits.
pub mod fdflags {
    pub const APPEND: u16 = 1;
    pub const NONBLOCK: u16 = 4;
}

/// What an fd refers to.
pub enum Kind {
    /// The host's stdin.
    Stdin,
    /// The host's stdout.
    Stdout,
    /// The host's stderr.
    Stderr,
    /// An open file (or another non-directory).
    File(File),
    /// An open directory: a capability for everything below it.
    Dir(Dir),
}

/// One open file descriptor.
pub struct Descriptor {
    /// What it refers to.
    pub kind: Kind,
    /// The guest path, for a preopened directory.
    pub preopen: Option<String>,
    /// The rights of this fd.
    pub rights_base: u64,
    /// The rights fds opened through this one may have.
    pub rights_inheriting: u64,
    /// The `fdflags` it was opened with.
    pub flags: u16,
}

impl Descriptor {
    fn stdio(kind: Kind, rights: u64) -> Descriptor {
        Descriptor {
            kind,
            preopen: None,
            rights_base: rights | rights::POLL_FD_READWRITE | rights::FD_FILESTAT_GET,
            rights_inheriting: 0,
            flags: 0,
        }
    }

    /// The host's stdin.
    pub fn stdin() -> Descriptor {
        Descriptor::stdio(Kind::Stdin, rights::FD_READ)
    }

    /// The host's stdout.
    pub fn stdout() -> Descriptor {
        Descriptor::stdio(Kind::Stdout, rights::FD_WRITE)
    }

    /// The host's stderr.
    pub fn stderr() -> Descriptor {
        Descriptor::stdio(Kind::Stderr, rights::FD_WRITE)
    }

    /// A preopened directory seen by the guest as `guest_path`.
    pub fn preopen(dir: Dir, guest_path: String) -> Descriptor {
        Descriptor {
            kind: Kind::Dir(dir),
            preopen: Some(guest_path),
            rights_base: rights::DIR,
            rights_inheriting: rights::ALL,
            flags: 0,
        }
    }

    /// The directory, or `ENOTDIR`.
    pub fn dir(&self) -> Result<&Dir, Errno> {
        match &self.kind {
            Kind::Dir(d) => Ok(d),
            _ => Err(Errno::NOTDIR),
        }
    }

    /// The file, or `EBADF` (stdio, directories).
    fn file(&self) -> Result<&File, Errno> {
        match &self.kind {
            Kind::File(f) => Ok(f),
            Kind::Dir(_) => Err(Errno::ISDIR),
            _ => Err(Errno::SPIPE),
        }
    }

    /// The WASI file type.
    fn filetype(&self) -> Result<u8, Errno> {
        Ok(match &self.kind {
            Kind::Stdin | Kind::Stdout | Kind::Stderr => stdio_filetype(&self.kind),
            Kind::Dir(_) => filetype::DIRECTORY,
            Kind::File(f) => filetype_of(&Metadata::from_file(f)?),
        })
    }
}

/// stdio is a character device when it is a terminal; otherwise its type is not told.
fn stdio_filetype(kind: &Kind) -> u8 {
    let tty = match kind {
        Kind::Stdin => std::io::stdin().is_terminal(),
        Kind::Stdout => std::io::stdout().is_terminal(),
        _ => std::io::stderr().is_terminal(),
    };
    if tty {
        filetype::CHARACTER_DEVICE
    } else {
        filetype::UNKNOWN
    }
}

/// The open fds, by number.
#[derive(Default)]
pub struct FdTable {
    fds: BTreeMap<u32, Descriptor>,
}

impl FdTable {
    /// Puts `d` at `fd`, closing what was there.
    pub fn insert_at(&mut self, fd: u32, d: Descriptor) {
        self.fds.insert(fd, d);
    }

    /// Puts `d` at the lowest free fd not below `min`.
    pub fn insert_from(&mut self, min: u32, d: Descriptor) -> u32 {
        let mut fd = min;
        while self.fds.contains_key(&fd) {
            fd += 1;
        }
        self.fds.insert(fd, d);
        fd
    }

    /// The descriptor `fd`, or `EBADF`.
    pub fn get(&self, fd: u32) -> Result<&Descriptor, Errno> {
        self.fds.get(&fd).ok_or(Errno::BADF)
    }

    /// The descriptor `fd`, writable, or `EBADF`.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        self.fds.get_mut(&fd).ok_or(Errno::BADF)
    }

    /// Removes `fd`, or `EBADF`.
    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        self.fds.remove(&fd).ok_or(Errno::BADF)
    }
}

/// The WASI file type of host metadata.
pub fn filetype_of(m: &Metadata) -> u8 {
    let t = m.file_type();
    if t.is_dir() {
        filetype::DIRECTORY
    } else if t.is_file() {
        filetype::REGULAR_FILE
    } else if t.is_symlink() {
        filetype::SYMBOLIC_LINK
    } else if t.is_char_device() {
        filetype::CHARACTER_DEVICE
    } else if t.is_block_device() {
        filetype::BLOCK_DEVICE
    } else if t.is_socket() {
        filetype::SOCKET_STREAM
    } else {
        filetype::UNKNOWN
    }
}

/// Writes a WASI `filestat` (64 bytes) for `m` at `ptr`.
pub fn write_filestat(mem: &mut [u8], ptr: u32, m: &Metadata) -> Result<(), Errno> {
    let ns = |s: i64, n: i64| (s.max(0) as u64) * 1_000_000_000 + n.max(0) as u64;
    let mut st = [0u8; 64];
    st[0..8].copy_from_slice(&m.dev().to_le_bytes());
    st[8..16].copy_from_slice(&m.ino().to_le_bytes());
    st[16] = filetype_of(m);
    st[24..32].copy_from_slice(&m.nlink().to_le_bytes());
    st[32..40].copy_from_slice(&m.size().to_le_bytes());
    st[40..48].copy_from_slice(&ns(m.atime(), m.atime_nsec()).to_le_bytes());
    st[48..56].copy_from_slice(&ns(m.mtime(), m.mtime_nsec()).to_le_bytes());
    st[56..64].copy_from_slice(&ns(m.ctime(), m.ctime_nsec()).to_le_bytes());
    write_bytes(mem, ptr, &st)
}

/// Host times from WASI `atim`, `mtim` and `fst_flags` (`None`: leave unchanged).
pub fn times(
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Result<
    (
        Option<cap_std::time::SystemTime>,
        Option<cap_std::time::SystemTime>,
    ),
    Errno,
> {
    let pick = |set: u32, now: u32, t: u64| {
        if fst_flags & set != 0 && fst_flags & now != 0 {
            return Err(Errno::INVAL);
        }
        let at = if fst_flags & now != 0 {
            Some(std::time::SystemTime::now())
        } else if fst_flags & set != 0 {
            Some(std::time::UNIX_EPOCH + std::time::Duration::from_nanos(t))
        } else {
            None
        };
        Ok(at.map(cap_std::time::SystemTime::from_std))
    };
    Ok((pick(1, 2, atim)?, pick(4, 8, mtim)?))
}

/// `fd_advise(fd, offset, len, advice)`: accepted, no effect.
pub fn fd_advise(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    ctx.fds.get(a.u32(0))?.file()?;
    if a.u32(3) > 5 {
        return Err(Errno::INVAL);
    }
    Ok(())
}

/// `fd_allocate(fd, offset, len)`: grows the file to cover the range.
pub fn fd_allocate(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let file = ctx.fds.get(a.u32(0))?.file()?;
    let end = a.u64(1).checked_add(a.u64(2)).ok_or(Errno::FBIG)?;
    if end > file.metadata()?.len() {
        file.set_len(end)?;
    }
    Ok(())
}

/// `fd_close(fd)`.
pub fn fd_close(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    ctx.fds.remove(a.u32(0)).map(drop)
}

/// `fd_datasync(fd)`.
pub fn fd_datasync(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    match &ctx.fds.get(a.u32(0))?.kind {
        Kind::File(f) => Ok(f.sync_data()?),
        Kind::Dir(_) => Ok(()),
        _ => Err(Errno::INVAL),
    }
}

/// `fd_sync(fd)`.
pub fn fd_sync(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    match &ctx.fds.get(a.u32(0))?.kind {
        Kind::File(f) => Ok(f.sync_all()?),
        Kind::Dir(_) => Ok(()),
        _ => Err(Errno::INVAL),
    }
}

/// `fd_fdstat_get(fd, fdstat)`.
pub fn fd_fdstat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get(a.u32(0))?;
    let ptr = a.u32(1);
    let mut rights_base = d.rights_base;
    if matches!(d.kind, Kind::Stdin | Kind::Stdout | Kind::Stderr) {
        rights_base &= !(rights::FD_SEEK | rights::FD_TELL);
    }
    slice_mut(mem, ptr, 24)?.fill(0);
    write_u8(mem, ptr, d.filetype()?)?;
    write_u16(mem, ptr + 2, d.flags)?;
    write_u64(mem, ptr + 8, rights_base)?;
    write_u64(mem, ptr + 16, d.rights_inheriting)
}

/// `fd_fdstat_set_flags(fd, flags)`: `APPEND` and `NONBLOCK` on files.
pub fn fd_fdstat_set_flags(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let flags = a.u32(1) as u16;
    let d = ctx.fds.get_mut(a.u32(0))?;
    if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
        return Err(Errno::NOTSUP);
    }
    let file = d.file().map_err(|_| Errno::BADF)?;
    use rustix::fs::OFlags;
    let mut host = rustix::fs::fcntl_getfl(file).map_err(std::io::Error::from)?;
    host.set(OFlags::APPEND, flags & fdflags::APPEND != 0);
    host.set(OFlags::NONBLOCK, flags & fdflags::NONBLOCK != 0);
    rustix::fs::fcntl_setfl(file, host).map_err(std::io::Error::from)?;
    d.flags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights(fd, base, inheriting)`: rights may only shrink.
pub fn fd_fdstat_set_rights(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get_mut(a.u32(0))?;
    let (base, inheriting) = (a.u64(1), a.u64(2));
    if base & !d.rights_base != 0 || inheriting & !d.rights_inheriting != 0 {
        return Err(Errno::NOTCAPABLE);
    }
    d.rights_base = base;
    d.rights_inheriting = inheriting;
    Ok(())
}

/// `fd_filestat_get(fd, filestat)`.
pub fn fd_filestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let d = ctx.fds.get(a.u32(0))?;
    let meta = match &d.kind {
        Kind::File(f) => Metadata::from_file(f)?,
        Kind::Dir(dir) => dir.dir_metadata()?,
        stdio => {
            slice_mut(mem, a.u32(1), 64)?.fill(0);
            return write_u8(mem, a.u32(1) + 16, stdio_filetype(stdio));
        }
    };
    write_filestat(mem, a.u32(1), &meta)
}

/// `fd_filestat_set_size(fd, size)`.
pub fn fd_filestat_set_size(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    Ok(ctx.fds.get(a.u32(0))?.file()?.set_len(a.u64(1))?)
}

/// `fd_filestat_set_times(fd, atim, mtim, fst_flags)`.
pub fn fd_filestat_set_times(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (atime, mtime) = times(a.u64(1), a.u64(2), a.u32(3))?;
    match &ctx.fds.get(a.u32(0))?.kind {
        Kind::File(f) => {
            let mut t = std::fs::FileTimes::new();
            if let Some(at) = atime {
                t = t.set_accessed(at.into_std());
            }
            if let Some(mt) = mtime {
                t = t.set_modified(mt.into_std());
            }
            Ok(f.set_times(t)?)
        }
        Kind::Dir(dir) => {
            use cap_fs_ext::{DirExt, SystemTimeSpec};
            let spec = |t: Option<cap_std::time::SystemTime>| t.map(SystemTimeSpec::Absolute);
            Ok(dir.set_times(".", spec(atime), spec(mtime))?)
        }
        _ => Err(Errno::BADF),
    }
}

/// Reads into the guest buffers `iovs` with `read` (given a buffer and the bytes done so far).
fn read_iovs(
    mem: &mut [u8],
    iovs: u32,
    count: u32,
    mut read: impl FnMut(&mut [u8], u64) -> std::io::Result<usize>,
) -> Result<u32, Errno> {
    let mut total = 0u32;
    for (buf, len) in iovecs(mem, iovs, count)? {
        let dest = slice_mut(mem, buf, len)?;
        let n = read(dest, u64::from(total))?;
        total += n as u32;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// Writes the guest buffers `iovs` with `write` (given a buffer and the bytes done so far).
fn write_iovs(
    mem: &[u8],
    iovs: u32,
    count: u32,
    mut write: impl FnMut(&[u8], u64) -> std::io::Result<usize>,
) -> Result<u32, Errno> {
    let mut total = 0u32;
    for (buf, len) in iovecs(mem, iovs, count)? {
        let src = slice(mem, buf, len)?;
        let n = match write(src, u64::from(total)) {
            Ok(n) => n,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e.into()),
        };
        total += n as u32;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// `fd_read(fd, iovs, iovs_len, nread)`.
pub fn fd_read(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let n = match &ctx.fds.get(a.u32(0))?.kind {
        Kind::Stdin => read_iovs(mem, a.u32(1), a.u32(2), |b, _| std::io::stdin().read(b))?,
        Kind::File(f) => {
            let mut f = f;
            read_iovs(mem, a.u32(1), a.u32(2), |b, _| f.read(b))?
        }
        Kind::Dir(_) => return Err(Errno::ISDIR),
        _ => return Err(Errno::BADF),
    };
    write_u32(mem, a.u32(3), n)
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread)`.
pub fn fd_pread(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let f = ctx.fds.get(a.u32(0))?.file()?;
    let offset = a.u64(3);
    let n = read_iovs(mem, a.u32(1), a.u32(2), |b, done| {
        f.read_at(b, offset + done)
    })?;
    write_u32(mem, a.u32(4), n)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)`.
pub fn fd_write(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (iovs, count) = (a.u32(1), a.u32(2));
    let n = match &ctx.fds.get(a.u32(0))?.kind {
        Kind::Stdout => {
            let mut out = std::io::stdout().lock();
            let n = write_iovs(mem, iovs, count, |b, _| out.write(b))?;
            out.flush()?;
            n
        }
        Kind::Stderr => write_iovs(mem, iovs, count, |b, _| std::io::stderr().write(b))?,
        Kind::File(f) => {
            let mut f = f;
            write_iovs(mem, iovs, count, |b, _| f.write(b))?
        }
        Kind::Dir(_) => return Err(Errno::ISDIR),
        Kind::Stdin => return Err(Errno::BADF),
    };
    write_u32(mem, a.u32(3), n)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten)`.
pub fn fd_pwrite(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let f = ctx.fds.get(a.u32(0))?.file()?;
    let offset = a.u64(3);
    let n = write_iovs(mem, a.u32(1), a.u32(2), |b, done| {
        f.write_at(b, offset + done)
    })?;
    write_u32(mem, a.u32(4), n)
}

/// `fd_seek(fd, offset, whence, newoffset)`.
pub fn fd_seek(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let mut f = ctx.fds.get(a.u32(0))?.file()?;
    let offset = a.u64(1) as i64;
    let pos = match a.u32(2) {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL),
    };
    let new = f.seek(pos)?;
    write_u64(mem, a.u32(3), new)
}

/// `fd_tell(fd, offset)`.
pub fn fd_tell(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let mut f = ctx.fds.get(a.u32(0))?.file()?;
    let pos = f.stream_position()?;
    write_u64(mem, a.u32(1), pos)
}

/// `fd_readdir(fd, buf, buf_len, cookie, bufused)`: entries sorted by name after `.` and
/// `..`; the cookie of an entry is its index plus one.
pub fn fd_readdir(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let dir = ctx.fds.get(a.u32(0))?.dir().map_err(|_| Errno::BADF)?;
    let (buf, buf_len, cookie) = (a.u32(1), a.u32(2), a.u64(3));
    let self_ino = dir.dir_metadata()?.ino();
    let mut entries: Vec<(Vec<u8>, u64, u8)> = vec![
        (b".".to_vec(), self_ino, filetype::DIRECTORY),
        (b"..".to_vec(), 0, filetype::DIRECTORY),
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        let ty = entry.file_type().map_or(filetype::UNKNOWN, |t| {
            if t.is_dir() {
                filetype::DIRECTORY
            } else if t.is_file() {
                filetype::REGULAR_FILE
            } else if t.is_symlink() {
                filetype::SYMBOLIC_LINK
            } else {
                filetype::UNKNOWN
            }
        });
        use std::os::unix::ffi::OsStrExt;
        rest.push((entry.file_name().as_bytes().to_vec(), entry.ino(), ty));
    }
    rest.sort();
    entries.extend(rest);
    // Serialise from the cookie on, then copy what fits.
    let mut out = Vec::new();
    for (i, (name, ino, ty)) in entries.iter().enumerate().skip(cookie as usize) {
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[*ty, 0, 0, 0]);
        out.extend_from_slice(name);
        if out.len() >= buf_len as usize {
            break;
        }
    }
    out.truncate(buf_len as usize);
    write_bytes(mem, buf, &out)?;
    write_u32(mem, a.u32(4), out.len() as u32)
}

/// `fd_renumber(from, to)`: moves `from` onto `to`, closing what `to` was.
pub fn fd_renumber(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (from, to) = (a.u32(0), a.u32(1));
    ctx.fds.get(from)?;
    ctx.fds.get(to)?;
    let d = ctx.fds.remove(from)?;
    ctx.fds.insert_at(to, d);
    Ok(())
}

/// `fd_prestat_get(fd, prestat)`: a preopened directory and its name's length.
pub fn fd_prestat_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let name = ctx.fds.get(a.u32(0))?.preopen.as_ref().ok_or(Errno::BADF)?;
    let ptr = a.u32(1);
    write_u32(mem, ptr, 0)?;
    write_u32(mem, ptr + 4, name.len() as u32)
}

/// `fd_prestat_dir_name(fd, path, path_len)`.
pub fn fd_prestat_dir_name(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let name = ctx.fds.get(a.u32(0))?.preopen.as_ref().ok_or(Errno::BADF)?;
    if (a.u32(2) as usize) < name.len() {
        return Err(Errno::NAMETOOLONG);
    }
    write_bytes(mem, a.u32(1), name.as_bytes())
}
