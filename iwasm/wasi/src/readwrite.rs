//! Reading, writing and positioning: `fd_read`, `fd_write`, `fd_pread`, `fd_pwrite`,
//! `fd_seek`, `fd_tell`.
//!
//! A file opened with `FDFLAGS_APPEND` is opened `O_APPEND` on the host: every write, also a
//! `fd_pwrite`, goes to the end of the file (as on Linux), and `fd_pwrite` never moves the
//! current offset. The result pointer is checked before any byte moves: a bad one leaves the
//! file as it was.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;

use super::errno::Errno;
use super::memory::{iovecs, result_ptr, slice, slice_mut, write_u32, write_u64};
use super::rights::{FD_READ, FD_SEEK, FD_TELL, FD_WRITE};
use super::table::Stream;
use super::{Args, WasiCtx};

/// Reads into the guest buffers `iovs` with `read` (given a buffer and the bytes done so
/// far), stopping at the first short read.
fn read_iovs(
    mem: &mut [u8],
    iovs: u32,
    count: u32,
    mut read: impl FnMut(&mut [u8], u64) -> Result<usize, Errno>,
) -> Result<u32, Errno> {
    let mut total = 0u32;
    for (buf, len) in iovecs(mem, iovs, count)? {
        let n = read(slice_mut(mem, buf, len)?, u64::from(total))?;
        // `n <= len`, and `iovecs` checked that the lengths add up within a u32.
        total += n as u32;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// Writes the guest buffers `iovs` with `write` (given a buffer and the bytes done so far),
/// stopping at the first short write; an error after some bytes went out ends the count.
fn write_iovs(
    mem: &[u8],
    iovs: u32,
    count: u32,
    mut write: impl FnMut(&[u8], u64) -> Result<usize, Errno>,
) -> Result<u32, Errno> {
    let mut total = 0u32;
    for (buf, len) in iovecs(mem, iovs, count)? {
        let n = match write(slice(mem, buf, len)?, u64::from(total)) {
            Ok(n) => n,
            Err(_) if total > 0 => break,
            Err(e) => return Err(e),
        };
        // `n <= len`, and `iovecs` checked that the lengths add up within a u32.
        total += n as u32;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

/// `offset + done`, or `EINVAL` past the largest file offset.
fn at(offset: u64, done: u64) -> Result<u64, Errno> {
    offset
        .checked_add(done)
        .filter(|&at| at <= i64::MAX as u64)
        .ok_or(Errno::INVAL)
}

/// `fd_read(fd, iovs, iovs_len, nread)`.
pub fn fd_read(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (iovs, count, nread) = (a.u32(1), a.u32(2), result_ptr(mem, a.u32(3), 4)?);
    let n = match ctx.fds.get(a.u32(0))?.stream(FD_READ)? {
        Stream::Stdin => read_iovs(mem, iovs, count, |b, _| Ok(std::io::stdin().read(b)?))?,
        Stream::File(mut f) => read_iovs(mem, iovs, count, |b, _| Ok(f.read(b)?))?,
        Stream::Stdout | Stream::Stderr => return Err(Errno::BADF),
    };
    write_u32(mem, nread, n)
}

/// `fd_pread(fd, iovs, iovs_len, offset, nread)`: the current offset does not move.
pub fn fd_pread(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let f = ctx.fds.get(a.u32(0))?.file(FD_READ | FD_SEEK)?;
    let (offset, nread) = (a.u64(3), result_ptr(mem, a.u32(4), 4)?);
    let n = read_iovs(mem, a.u32(1), a.u32(2), |b, done| {
        Ok(f.read_at(b, at(offset, done)?)?)
    })?;
    write_u32(mem, nread, n)
}

/// `fd_write(fd, iovs, iovs_len, nwritten)`.
pub fn fd_write(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (iovs, count, nwritten) = (a.u32(1), a.u32(2), result_ptr(mem, a.u32(3), 4)?);
    let n = match ctx.fds.get(a.u32(0))?.stream(FD_WRITE)? {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            let n = write_iovs(mem, iovs, count, |b, _| Ok(out.write(b)?))?;
            out.flush()?;
            n
        }
        Stream::Stderr => write_iovs(mem, iovs, count, |b, _| Ok(std::io::stderr().write(b)?))?,
        Stream::File(mut f) => write_iovs(mem, iovs, count, |b, _| Ok(f.write(b)?))?,
        Stream::Stdin => return Err(Errno::BADF),
    };
    write_u32(mem, nwritten, n)
}

/// `fd_pwrite(fd, iovs, iovs_len, offset, nwritten)`: the current offset does not move (in
/// append mode the bytes go to the end, as on Linux).
pub fn fd_pwrite(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let f = ctx.fds.get(a.u32(0))?.file(FD_WRITE | FD_SEEK)?;
    let (offset, nwritten) = (a.u64(3), result_ptr(mem, a.u32(4), 4)?);
    let n = write_iovs(mem, a.u32(1), a.u32(2), |b, done| {
        Ok(f.write_at(b, at(offset, done)?)?)
    })?;
    write_u32(mem, nwritten, n)
}

/// `whence` values.
const WHENCE_SET: u32 = 0;
const WHENCE_CUR: u32 = 1;
const WHENCE_END: u32 = 2;

/// `fd_seek(fd, offset, whence, newoffset)`: needs `FD_TELL` alone to ask for the current
/// offset (0 from `WHENCE_CUR`), `FD_SEEK` and `FD_TELL` otherwise.
pub fn fd_seek(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (offset, whence) = (a.u64(1) as i64, a.u32(2));
    let need = if offset == 0 && whence == WHENCE_CUR {
        FD_TELL
    } else {
        FD_SEEK | FD_TELL
    };
    let mut f = ctx.fds.get(a.u32(0))?.file(need)?;
    let pos = match whence {
        WHENCE_SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        WHENCE_CUR => SeekFrom::Current(offset),
        WHENCE_END => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL),
    };
    let new = f.seek(pos)?;
    write_u64(mem, a.u32(3), new)
}

/// `fd_tell(fd, offset)`.
pub fn fd_tell(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let mut f = ctx.fds.get(a.u32(0))?.file(FD_TELL)?;
    let pos = f.stream_position()?;
    write_u64(mem, a.u32(1), pos)
}
