//! The descriptor table: what each guest fd refers to, its rights, flags and access mode, and
//! the checks every function makes before it touches one (kind, then access mode, then
//! rights).

use std::collections::BTreeMap;
use std::fs::File;

use cap_std::fs::Dir;

use super::errno::Errno;
use super::rights;

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

/// A byte stream to read or write: stdio or a file.
pub enum Stream<'a> {
    /// The host's stdin.
    Stdin,
    /// The host's stdout.
    Stdout,
    /// The host's stderr.
    Stderr,
    /// An open file.
    File(&'a File),
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
    /// The `fdflags` it has.
    pub flags: u16,
    /// Opened for reading: reading one that is not is `EBADF`, as on the host.
    pub readable: bool,
    /// Opened for writing: writing one that is not is `EBADF`, as on the host.
    pub writable: bool,
}

impl Descriptor {
    fn stdio(kind: Kind, rights_base: u64) -> Descriptor {
        Descriptor {
            kind,
            preopen: None,
            rights_base,
            rights_inheriting: 0,
            flags: 0,
            readable: rights_base & rights::FD_READ != 0,
            writable: rights_base & rights::FD_WRITE != 0,
        }
    }

    /// The host's stdin.
    pub fn stdin() -> Descriptor {
        Descriptor::stdio(Kind::Stdin, rights::STDIN)
    }

    /// The host's stdout.
    pub fn stdout() -> Descriptor {
        Descriptor::stdio(Kind::Stdout, rights::STDOUT)
    }

    /// The host's stderr.
    pub fn stderr() -> Descriptor {
        Descriptor::stdio(Kind::Stderr, rights::STDOUT)
    }

    /// A preopened directory seen by the guest as `guest_path`: every directory right, and
    /// every right for what is opened below it.
    pub fn preopen(dir: Dir, guest_path: String) -> Descriptor {
        Descriptor {
            kind: Kind::Dir(dir),
            preopen: Some(guest_path),
            rights_base: rights::DIR,
            rights_inheriting: rights::DIR_INHERITING,
            flags: 0,
            readable: true,
            writable: false,
        }
    }

    /// `ENOTCAPABLE` unless this fd has every right in `need`.
    pub fn require(&self, need: u64) -> Result<(), Errno> {
        rights::check(self.rights_base, need)
    }

    /// The directory, if this fd is one (`ENOTDIR` otherwise) with the rights `need`.
    pub fn dir(&self, need: u64) -> Result<&Dir, Errno> {
        match &self.kind {
            Kind::Dir(d) => self.require(need).map(|()| d),
            _ => Err(Errno::NOTDIR),
        }
    }

    /// The file, if this fd is one, open for what `need` asks (`FD_READ`, `FD_WRITE`; `EBADF`
    /// otherwise) and with the rights `need`: a directory is `EBADF`, stdio `ESPIPE`.
    pub fn file(&self, need: u64) -> Result<&File, Errno> {
        match &self.kind {
            Kind::File(f) => self.check_access(need).map(|()| f),
            Kind::Dir(_) => Err(Errno::BADF),
            _ => Err(Errno::SPIPE),
        }
    }

    /// The byte stream (stdio or a file), open for what `need` asks (`FD_READ`, `FD_WRITE`;
    /// `EBADF` otherwise) and with the rights `need`: a directory is `EBADF`.
    pub fn stream(&self, need: u64) -> Result<Stream<'_>, Errno> {
        let stream = match &self.kind {
            Kind::Stdin => Stream::Stdin,
            Kind::Stdout => Stream::Stdout,
            Kind::Stderr => Stream::Stderr,
            Kind::File(f) => Stream::File(f),
            Kind::Dir(_) => return Err(Errno::BADF),
        };
        self.check_access(need).map(|()| stream)
    }

    /// `EBADF` if `need` reads (`FD_READ`) or writes (`FD_WRITE`) and the fd was not opened
    /// for that; then `ENOTCAPABLE` unless it has the rights `need`.
    fn check_access(&self, need: u64) -> Result<(), Errno> {
        let unopened = (need & rights::FD_READ != 0 && !self.readable)
            || (need & rights::FD_WRITE != 0 && !self.writable);
        if unopened {
            return Err(Errno::BADF);
        }
        self.require(need)
    }

    /// Whether this is stdin, stdout or stderr.
    pub fn is_stdio(&self) -> bool {
        matches!(self.kind, Kind::Stdin | Kind::Stdout | Kind::Stderr)
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

    /// Puts `d` at the lowest free fd not below `min` (`ENFILE` when none is left).
    pub fn insert_from(&mut self, min: u32, d: Descriptor) -> Result<u32, Errno> {
        let mut fd = min;
        while self.fds.contains_key(&fd) {
            fd = fd.checked_add(1).ok_or(Errno::NFILE)?;
        }
        self.fds.insert(fd, d);
        Ok(fd)
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
