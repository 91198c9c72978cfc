//! `poll_oneoff`: clock subscriptions (relative or absolute), and `fd_read`/`fd_write`
//! readiness (with `POLL_FD_READWRITE`). Files, stdout and stderr are always ready; stdin is
//! polled on the host.

use std::time::Duration;

use rustix::event::{PollFd, PollFlags};

use super::clock::now;
use super::errno::Errno;
use super::memory::{slice, write_bytes, write_u32};
use super::rights::POLL_FD_READWRITE;
use super::table::Stream;
use super::{Args, WasiCtx};

/// `eventtype` values.
const CLOCK: u8 = 0;
const FD_READ: u8 = 1;
const FD_WRITE: u8 = 2;

/// `subclockflags`: the timeout is an absolute time of the clock.
const ABSTIME: u16 = 1;

/// One event to report.
struct Event {
    userdata: u64,
    error: u16,
    kind: u8,
    nbytes: u64,
}

impl Event {
    fn bytes(&self) -> [u8; 32] {
        let mut e = [0u8; 32];
        e[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        e[8..10].copy_from_slice(&self.error.to_le_bytes());
        e[10] = self.kind;
        e[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        e
    }
}

/// A little-endian integer of `N` bytes at `at` in a subscription record.
fn field<const N: usize>(record: &[u8], at: usize) -> [u8; N] {
    let mut bytes = [0; N];
    bytes.copy_from_slice(&record[at..at + N]);
    bytes
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`. No subscription is `EINVAL`; a count
/// whose subscriptions or events do not fit in memory is `EFAULT`, before anything happens.
pub fn poll_oneoff(ctx: &mut WasiCtx, mem: &mut [u8], a: &Args) -> Result<(), Errno> {
    let (subs_ptr, out, count) = (a.u32(0), a.u32(1), a.u32(2));
    if count == 0 {
        return Err(Errno::INVAL);
    }
    slice(mem, out, count.checked_mul(32).ok_or(Errno::FAULT)?)?;
    let subs = slice(mem, subs_ptr, count.checked_mul(48).ok_or(Errno::FAULT)?)?;
    let mut ready = Vec::new();
    let mut stdin_waiters = Vec::new();
    // (userdata, nanoseconds from now)
    let mut timers: Vec<(u64, u64)> = Vec::new();
    for record in subs.chunks_exact(48) {
        let userdata = u64::from_le_bytes(field(record, 0));
        let tag = record[8];
        match tag {
            CLOCK => {
                let id = u32::from_le_bytes(field(record, 16));
                let timeout = u64::from_le_bytes(field(record, 24));
                let flags = u16::from_le_bytes(field(record, 40));
                let result = now(id).map(|current| {
                    if flags & ABSTIME != 0 {
                        timeout.saturating_sub(current)
                    } else {
                        timeout
                    }
                });
                match result {
                    Ok(delay) => timers.push((userdata, delay)),
                    Err(e) => ready.push(Event {
                        userdata,
                        error: e.0,
                        kind: CLOCK,
                        nbytes: 0,
                    }),
                }
            }
            FD_READ | FD_WRITE => {
                let fd = u32::from_le_bytes(field(record, 16));
                let mut event = Event {
                    userdata,
                    error: 0,
                    kind: tag,
                    nbytes: 0,
                };
                let stream = ctx.fds.get(fd).and_then(|d| d.stream(POLL_FD_READWRITE));
                match stream {
                    Ok(Stream::Stdin) if tag == FD_READ => {
                        stdin_waiters.push(event);
                        continue;
                    }
                    Ok(Stream::File(mut f)) => {
                        if tag == FD_READ {
                            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                            let pos = std::io::Seek::stream_position(&mut f).unwrap_or(len);
                            event.nbytes = len.saturating_sub(pos);
                        }
                    }
                    Ok(Stream::Stdout | Stream::Stderr) if tag == FD_WRITE => {}
                    Ok(_) => event.error = Errno::BADF.0,
                    Err(e) => event.error = e.0,
                }
                ready.push(event);
            }
            _ => return Err(Errno::INVAL),
        }
    }
    if ready.is_empty() {
        let wait = timers.iter().map(|t| t.1).min();
        if stdin_waiters.is_empty() {
            std::thread::sleep(Duration::from_nanos(wait.unwrap_or(0)));
        } else {
            let timeout = wait.map(|ns| rustix::time::Timespec {
                tv_sec: (ns / 1_000_000_000) as i64,
                tv_nsec: (ns % 1_000_000_000) as _,
            });
            let stdin = std::io::stdin();
            let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Ok(n) if n > 0 => {
                    ready.append(&mut stdin_waiters);
                }
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(e) => {
                    for w in &mut stdin_waiters {
                        w.error = Errno::from(std::io::Error::from(e)).0;
                    }
                    ready.append(&mut stdin_waiters);
                }
            }
        }
        if ready.is_empty() {
            if let Some(wait) = wait {
                for &(userdata, delay) in &timers {
                    if delay <= wait {
                        ready.push(Event {
                            userdata,
                            error: 0,
                            kind: CLOCK,
                            nbytes: 0,
                        });
                    }
                }
            }
        }
    }
    // At most one event per subscription: they fit in the `out` checked above.
    let events: Vec<u8> = ready.iter().flat_map(Event::bytes).collect();
    write_bytes(mem, out, &events)?;
    write_u32(mem, a.u32(3), ready.len() as u32)
}
