//! Clocks, randomness, stdio, polling, sockets.

use crate::assert_errno;

pub unsafe fn big_random_buf(_: wasi::Fd, _: &[String]) {
    let mut buf = vec![0u8; 1024];
    wasi::random_get(buf.as_mut_ptr(), buf.len()).expect("random_get");
    assert!(buf.iter().any(|&b| b != 0));
    wasi::random_get(buf.as_mut_ptr(), 0).expect("random_get of nothing");
}

pub unsafe fn clock_time_get(_: wasi::Fd, _: &[String]) {
    wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).expect("precision 1 should work");
    let first = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0).expect("precision 0");
    let second = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 0).expect("again");
    assert!(first <= second, "CLOCK_MONOTONIC should be monotonic");
    for clock in [
        wasi::CLOCKID_REALTIME,
        wasi::CLOCKID_MONOTONIC,
        wasi::CLOCKID_PROCESS_CPUTIME_ID,
        wasi::CLOCKID_THREAD_CPUTIME_ID,
    ] {
        let res = wasi::clock_res_get(clock).expect("clock_res_get");
        assert!(res > 0 && res <= 1_000_000_000, "resolution {res}");
        wasi::clock_time_get(clock, 0).expect("clock_time_get");
    }
    let realtime = wasi::clock_time_get(wasi::CLOCKID_REALTIME, 0).expect("realtime");
    assert!(realtime > 1_577_836_800_000_000_000, "after 2020");
}

pub unsafe fn sched_yield(_: wasi::Fd, _: &[String]) {
    wasi::sched_yield().expect("sched_yield");
}

pub unsafe fn stdio(dir_fd: wasi::Fd, _: &[String]) {
    for from in [0, 1, 2] {
        wasi::fd_fdstat_get(from).expect("fd_fdstat_get on stdio");
        let to = wasi::path_open(dir_fd, 0, "file.cleanup", wasi::OFLAGS_CREAT, 0, 0, 0)
            .expect("open file");
        wasi::fd_renumber(from, to).expect("renumbering stdio");
        wasi::fd_fdstat_get(to).expect("fd_fdstat_get of the renumbered fd");
        wasi::fd_fdstat_get(from).expect_err("the stdio fd is closed");
        wasi::path_unlink_file(dir_fd, "file.cleanup").expect("cleanup");
        // Onto a number that is not open: EBADF, and nothing moves.
        assert_errno!(
            wasi::fd_renumber(to, to + 100).expect_err("renumbering onto a closed fd"),
            wasi::ERRNO_BADF
        );
        wasi::fd_fdstat_get(to).expect("the fd stays where it was");
    }
}

pub unsafe fn fd_filestat_get(_: wasi::Fd, _: &[String]) {
    for fd in [0, 1, 2] {
        let stat = wasi::fd_filestat_get(fd).expect("fd_filestat_get of stdio");
        assert_eq!((stat.size, stat.atim, stat.mtim, stat.ctim), (0, 0, 0, 0));
    }
}

pub unsafe fn isatty(dir_fd: wasi::Fd, _: &[String]) {
    let fd = wasi::path_open(dir_fd, 0, "file", wasi::OFLAGS_CREAT, 0, 0, 0).expect("open");
    assert_eq!(libc::isatty(fd as libc::c_int), 0, "a file is not a tty");
    wasi::fd_close(fd).expect("close");
    wasi::path_unlink_file(dir_fd, "file").expect("unlink");
}

pub unsafe fn unicode_output(_: wasi::Fd, _: &[String]) {
    println!("Héllo, wörld! 你好 ∑ 🎉");
}

pub unsafe fn sock_errors(dir_fd: wasi::Fd, _: &[String]) {
    let raw = |e: wasi::Errno| e.raw() as i32;
    // Not open: EBADF; not a socket: ENOTSOCK.
    for fd in [99, u32::MAX] {
        let r = wasi::wasi_snapshot_preview1::sock_shutdown(fd as i32, 1);
        assert_eq!(r, raw(wasi::ERRNO_BADF), "sock_shutdown of a closed fd");
    }
    assert_errno!(
        wasi::sock_accept(99, 0).expect_err("sock_accept"),
        wasi::ERRNO_BADF
    );
    for fd in [0, 1, dir_fd] {
        assert_errno!(
            wasi::sock_shutdown(fd, wasi::SDFLAGS_RD).expect_err("shutdown"),
            wasi::ERRNO_NOTSOCK
        );
        assert_errno!(
            wasi::sock_accept(fd, 0).expect_err("sock_accept"),
            wasi::ERRNO_NOTSOCK
        );
        let mut buf = [0u8; 4];
        let iovec = wasi::Iovec {
            buf: buf.as_mut_ptr(),
            buf_len: buf.len(),
        };
        assert_errno!(
            wasi::sock_recv(fd, &[iovec], 0).expect_err("sock_recv"),
            wasi::ERRNO_NOTSOCK
        );
        let ciovec = wasi::Ciovec {
            buf: buf.as_ptr(),
            buf_len: buf.len(),
        };
        assert_errno!(
            wasi::sock_send(fd, &[ciovec], 0).expect_err("sock_send"),
            wasi::ERRNO_NOTSOCK
        );
    }
}

const CLOCK_ID: wasi::Userdata = 0x0123_4567_89ab_cdef;

fn clock_subscription(id: wasi::Clockid, timeout: u64) -> wasi::Subscription {
    wasi::Subscription {
        userdata: CLOCK_ID,
        u: wasi::SubscriptionU {
            tag: wasi::EVENTTYPE_CLOCK.raw(),
            u: wasi::SubscriptionUU {
                clock: wasi::SubscriptionClock {
                    id,
                    timeout,
                    precision: 0,
                    flags: 0,
                },
            },
        },
    }
}

fn fd_subscription(userdata: u64, tag: wasi::Eventtype, fd: wasi::Fd) -> wasi::Subscription {
    let readwrite = wasi::SubscriptionFdReadwrite {
        file_descriptor: fd,
    };
    let u = if tag == wasi::EVENTTYPE_FD_READ {
        wasi::SubscriptionUU { fd_read: readwrite }
    } else {
        wasi::SubscriptionUU {
            fd_write: readwrite,
        }
    };
    wasi::Subscription {
        userdata,
        u: wasi::SubscriptionU { tag: tag.raw(), u },
    }
}

unsafe fn poll(subs: &[wasi::Subscription]) -> Result<Vec<wasi::Event>, wasi::Errno> {
    let mut out: Vec<wasi::Event> = Vec::with_capacity(subs.len());
    let n = wasi::poll_oneoff(subs.as_ptr(), out.as_mut_ptr(), subs.len())?;
    out.set_len(n);
    Ok(out)
}

unsafe fn timeout(clock: wasi::Clockid) {
    let timeout = 5_000_000;
    let before = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).expect("clock");
    let out = poll(&[clock_subscription(clock, timeout)]).expect("poll_oneoff");
    let after = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).expect("clock");
    assert_eq!(out.len(), 1);
    assert_errno!(out[0].error, wasi::ERRNO_SUCCESS);
    assert_eq!(out[0].type_, wasi::EVENTTYPE_CLOCK);
    assert_eq!(out[0].userdata, CLOCK_ID);
    assert!(after - before >= timeout, "slept for the interval");
}

unsafe fn fd_readwrite(readable: wasi::Fd, writable: wasi::Fd, error: wasi::Errno) {
    let subs = [
        fd_subscription(1, wasi::EVENTTYPE_FD_READ, readable),
        fd_subscription(2, wasi::EVENTTYPE_FD_WRITE, writable),
    ];
    let out = poll(&subs).expect("poll_oneoff");
    assert_eq!(out.len(), 2, "two events");
    let (read, write) = if out[0].userdata == 1 {
        (&out[0], &out[1])
    } else {
        (&out[1], &out[0])
    };
    assert_eq!(read.userdata, 1);
    assert_errno!(read.error, error);
    assert_eq!(read.type_, wasi::EVENTTYPE_FD_READ);
    assert_eq!(write.userdata, 2);
    assert_errno!(write.error, error);
    assert_eq!(write.type_, wasi::EVENTTYPE_FD_WRITE);
}

pub unsafe fn poll_oneoff_files(dir_fd: wasi::Fd, _: &[String]) {
    assert_errno!(
        wasi::poll_oneoff([].as_ptr(), [].as_mut_ptr(), 0).expect_err("an empty poll"),
        wasi::ERRNO_INVAL
    );
    timeout(wasi::CLOCKID_MONOTONIC);
    timeout(wasi::CLOCKID_REALTIME);
    // Absolute timeouts: 5 ms from now, and one in the past (at once).
    let now = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).expect("clock");
    let mut sub = clock_subscription(wasi::CLOCKID_MONOTONIC, now + 5_000_000);
    sub.u.u.clock.flags = wasi::SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    let out = poll(&[sub]).expect("poll_oneoff");
    assert_eq!((out.len(), out[0].userdata), (1, CLOCK_ID));
    let after = wasi::clock_time_get(wasi::CLOCKID_MONOTONIC, 1).expect("clock");
    assert!(after >= now + 5_000_000, "slept until the absolute time");
    sub.u.u.clock.timeout = 0;
    let out = poll(&[sub]).expect("poll_oneoff");
    assert_eq!((out.len(), out[0].userdata), (1, CLOCK_ID));
    let readable = wasi::path_open(
        dir_fd,
        0,
        "readable_file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_READ | wasi::RIGHTS_POLL_FD_READWRITE,
        0,
        0,
    )
    .expect("opening a readable file");
    let writable = wasi::path_open(
        dir_fd,
        0,
        "writable_file",
        wasi::OFLAGS_CREAT,
        wasi::RIGHTS_FD_WRITE | wasi::RIGHTS_POLL_FD_READWRITE,
        0,
        0,
    )
    .expect("opening a writable file");
    fd_readwrite(readable, writable, wasi::ERRNO_SUCCESS);
    wasi::fd_close(readable).expect("close");
    wasi::fd_close(writable).expect("close");
    fd_readwrite(readable, writable, wasi::ERRNO_BADF);
    // Without the poll right: an event with ENOTCAPABLE.
    let fd =
        wasi::path_open(dir_fd, 0, "readable_file", 0, wasi::RIGHTS_FD_READ, 0, 0).expect("open");
    wasi::fd_fdstat_set_rights(fd, wasi::RIGHTS_FD_READ, 0).expect("shrink");
    let out = poll(&[fd_subscription(1, wasi::EVENTTYPE_FD_READ, fd)]).expect("poll_oneoff");
    assert_eq!(out.len(), 1);
    assert_errno!(out[0].error, wasi::ERRNO_NOTCAPABLE);
    wasi::fd_close(fd).expect("close");
    // A bad clock: an event with EINVAL.
    let mut bad_clock = clock_subscription(wasi::CLOCKID_REALTIME, 0);
    // The clock id is the u32 at offset 16 of the record; there is no constructor for 99.
    (&mut bad_clock as *mut wasi::Subscription)
        .cast::<u8>()
        .add(16)
        .cast::<u32>()
        .write_unaligned(99);
    let out = poll(&[bad_clock]).expect("poll_oneoff");
    assert_errno!(out[0].error, wasi::ERRNO_INVAL);
    wasi::path_unlink_file(dir_fd, "readable_file").expect("unlink");
    wasi::path_unlink_file(dir_fd, "writable_file").expect("unlink");
}

pub unsafe fn poll_oneoff_stdio(_: wasi::Fd, _: &[String]) {
    // stdin: either readable or the timeout, depending on what stdin is.
    let subs = [
        clock_subscription(wasi::CLOCKID_MONOTONIC, 200_000_000),
        fd_subscription(2, wasi::EVENTTYPE_FD_READ, 0),
    ];
    let out = poll(&subs).expect("poll_oneoff");
    assert!(!out.is_empty(), "at least one event");
    for event in &out {
        assert_errno!(event.error, wasi::ERRNO_SUCCESS);
        if event.type_ == wasi::EVENTTYPE_CLOCK {
            assert_eq!(event.userdata, CLOCK_ID);
        } else {
            assert_eq!(event.type_, wasi::EVENTTYPE_FD_READ);
            assert_eq!(event.userdata, 2);
        }
    }
    // stdout and stderr: writable.
    let subs = [
        fd_subscription(1, wasi::EVENTTYPE_FD_WRITE, 1),
        fd_subscription(2, wasi::EVENTTYPE_FD_WRITE, 2),
        clock_subscription(wasi::CLOCKID_MONOTONIC, 5_000_000_000),
    ];
    let out = poll(&subs).expect("poll_oneoff");
    let mut userdata: Vec<u64> = out.iter().map(|e| e.userdata).collect();
    userdata.sort();
    assert_eq!(userdata, [1, 2], "stdout and stderr are writable");
    for event in &out {
        assert_errno!(event.error, wasi::ERRNO_SUCCESS);
        assert_eq!(event.type_, wasi::EVENTTYPE_FD_WRITE);
    }
}

pub unsafe fn sleep_quickly_but_lots(_: wasi::Fd, _: &[String]) {
    for _ in 0..1000 {
        std::thread::sleep(std::time::Duration::from_nanos(1));
    }
}
