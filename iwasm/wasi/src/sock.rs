//! `sock_accept`, `sock_recv`, `sock_send`, `sock_shutdown`. No socket is ever granted to the
//! guest, so every call fails, telling why: `EBADF` for an fd that is not open, `ENOTSOCK`
//! for one that is not a socket.

use super::errno::Errno;
use super::{Args, WasiCtx};

/// The error of a `sock_*` call on `fd`.
fn not_a_socket(ctx: &WasiCtx, fd: u32) -> Errno {
    match ctx.fds.get(fd) {
        Ok(_) => Errno::NOTSOCK,
        Err(e) => e,
    }
}

/// `sock_accept(fd, flags, new_fd)`, `sock_recv(fd, ri_data, ri_data_len, ri_flags,
/// ro_datalen, ro_flags)`, `sock_send(fd, si_data, si_data_len, si_flags, so_datalen)` and
/// `sock_shutdown(fd, how)`: the socket is always argument 0.
pub fn sock_call(ctx: &mut WasiCtx, _: &mut [u8], a: &Args) -> Result<(), Errno> {
    Err(not_a_socket(ctx, a.u32(0)))
}
