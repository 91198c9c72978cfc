//! Arguments, environment, clocks, randomness and the small process functions.

use rustix::time::{ClockId, Timespec};

use super::errno::Errno;
use super::memory::{slice_mut, write_string_list, write_u32, write_u64};
use super::{Args, WasiCtx};

/// `args_get(argv, argv_buf)`.
pub fn args_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    write_string_list(mem, &ctx.args, a.u32(0), a.u32(1))
}

/// `args_sizes_get(argc, argv_buf_size)`.
pub fn args_sizes_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    write_sizes(mem, &ctx.args, a.u32(0), a.u32(1))
}

/// `environ_get(environ, environ_buf)`.
pub fn environ_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    write_string_list(mem, &ctx.env, a.u32(0), a.u32(1))
}

/// `environ_sizes_get(count, buf_size)`.
pub fn environ_sizes_get(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    write_sizes(mem, &ctx.env, a.u32(0), a.u32(1))
}

/// The count of `strings` and the bytes they take NUL-terminated (`EOVERFLOW` past a u32).
fn write_sizes(mem: &mut [u8], strings: &[Vec<u8>], count: u32, size: u32) -> Result<(), Errno> {
    let bytes = strings
        .iter()
        .try_fold(0u32, |total, s| {
            let len = u32::try_from(s.len()).ok()?;
            total.checked_add(len)?.checked_add(1)
        })
        .ok_or(Errno::OVERFLOW)?;
    let strings = u32::try_from(strings.len()).map_err(|_| Errno::OVERFLOW)?;
    write_u32(mem, count, strings)?;
    write_u32(mem, size, bytes)
}

/// The host clock for a WASI `clockid`.
pub fn clock_id(id: u32) -> Result<ClockId, Errno> {
    Ok(match id {
        0 => ClockId::Realtime,
        1 => ClockId::Monotonic,
        2 => ClockId::ProcessCPUTime,
        3 => ClockId::ThreadCPUTime,
        _ => return Err(Errno::INVAL),
    })
}

/// Nanoseconds in `t` (saturating; clocks never run before 1970 here).
pub fn nanos(t: Timespec) -> u64 {
    (t.tv_sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64)
}

/// The current time of WASI clock `id`, in nanoseconds.
pub fn now(id: u32) -> Result<u64, Errno> {
    Ok(nanos(rustix::time::clock_gettime(clock_id(id)?)))
}

/// `clock_res_get(id, resolution)`.
pub fn clock_res_get(_: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let res = nanos(rustix::time::clock_getres(clock_id(a.u32(0))?)).max(1);
    write_u64(mem, a.u32(1), res)
}

/// `clock_time_get(id, precision, time)`.
pub fn clock_time_get(_: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let t = now(a.u32(0))?;
    write_u64(mem, a.u32(2), t)
}

/// `random_get(buf, len)`: fills the buffer from the host's CSPRNG.
pub fn random_get(_: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let buf = slice_mut(mem, a.u32(0), a.u32(1))?;
    let mut done = 0;
    while done < buf.len() {
        match rustix::rand::getrandom(&mut buf[done..], rustix::rand::GetRandomFlags::empty()) {
            Ok(n) => done += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(std::io::Error::from(e).into()),
        }
    }
    Ok(())
}

/// `proc_raise(sig)`: signals are not supported.
pub fn proc_raise(_: &mut WasiCtx, _: &mut [u8], _: &Args) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}

/// `sched_yield()`.
pub fn sched_yield(_: &mut WasiCtx, _: &mut [u8], _: &Args) -> Result<(), Errno> {
    std::thread::yield_now();
    Ok(())
}
