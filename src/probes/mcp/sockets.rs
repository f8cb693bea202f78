//! Who listens on a TCP port: the kernel's sock_diag netlink interface (what `ss` uses), or
//! where that is refused its socket tables (`/proc/net/tcp`, `/proc/net/tcp6`), give
//! listening sockets and their inodes; `/proc/<pid>/fd` links (`socket:[inode]`) map them
//! to processes, and sysinfo gives each process's name and command line.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// One listening TCP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub addr: IpAddr,
    pub port: u16,
    pub uid: u32,
    pub inode: u64,
    /// The owning process, when /proc lets us see it.
    pub owner: Option<Owner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    pub name: String,
    pub cmdline: Vec<String>,
    /// The folder it runs in, where /proc lets us see it.
    pub cwd: Option<PathBuf>,
}

impl Owner {
    /// The command line as one string, bounded for display.
    pub(crate) fn command(&self) -> String {
        let s = if self.cmdline.is_empty() {
            self.name.clone()
        } else {
            self.cmdline.join(" ")
        };
        crate::policy::text::excerpt(s.as_bytes(), 160)
    }
}

impl Listener {
    /// `addr:port` as written in a URL.
    pub(crate) fn endpoint(&self) -> String {
        match self.addr {
            IpAddr::V4(a) => format!("{a}:{}", self.port),
            IpAddr::V6(a) => format!("[{a}]:{}", self.port),
        }
    }

    /// Whether a connection to `target` would reach this socket (wildcards and v4-mapped
    /// addresses included; a `::` socket is taken to be dual-stack, the Linux default).
    pub(crate) fn accepts(&self, target: IpAddr) -> bool {
        if self.addr.is_unspecified() {
            return match (self.addr, target) {
                (IpAddr::V4(_), IpAddr::V4(_)) => true,
                (IpAddr::V6(_), _) => true,
                (IpAddr::V4(_), IpAddr::V6(t)) => t.to_ipv4_mapped().is_some(),
            };
        }
        let norm = |ip: IpAddr| match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        norm(self.addr) == norm(target)
    }
}

/// Parses one `/proc/net/tcp{,6}` table, keeping sockets in LISTEN state (`0A`).
pub fn parse_table(text: &str) -> Vec<Listener> {
    text.lines().skip(1).filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Listener> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    let local = fields.get(1)?;
    let state = fields.get(3)?;
    if *state != "0A" {
        return None;
    }
    let uid = fields.get(7)?.parse().ok()?;
    let inode = fields.get(9)?.parse().ok()?;
    let (addr_hex, port_hex) = local.split_once(':')?;
    let port = u16::from_str_radix(port_hex, 16).ok()?;
    let addr = parse_addr(addr_hex)?;
    Some(Listener {
        addr,
        port,
        uid,
        inode,
        owner: None,
    })
}

/// The kernel prints each 32-bit word of the address as a number in host byte order.
fn parse_addr(hex: &str) -> Option<IpAddr> {
    let word = |i: usize| -> Option<[u8; 4]> {
        let w = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        Some(w.to_ne_bytes())
    };
    match hex.len() {
        8 => Some(IpAddr::V4(Ipv4Addr::from(word(0)?))),
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)))
        }
        _ => None,
    }
}

/// Maps socket inodes to pids by reading `/proc/<pid>/fd` links under `proc_root`.
/// Processes we may not inspect are skipped silently.
pub(crate) fn socket_owners(proc_root: &Path, inodes: &[u64]) -> HashMap<u64, u32> {
    let mut found = HashMap::new();
    if inodes.is_empty() {
        return found;
    }
    let Ok(entries) = std::fs::read_dir(proc_root) else {
        return found;
    };
    // Newest first: the server asked about is usually a recent process.
    let mut pids: Vec<u32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse().ok()))
        .collect();
    pids.sort_unstable_by(|a, b| b.cmp(a));
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(proc_root.join(pid.to_string()).join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let link = link.to_string_lossy();
            let Some(inode) = link
                .strip_prefix("socket:[")
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            if inodes.contains(&inode) {
                found.entry(inode).or_insert(pid);
            }
        }
        if found.len() == inodes.len() {
            break;
        }
    }
    found
}

/// Names and command lines of `pids`, from sysinfo.
fn describe(pids: &[u32]) -> HashMap<u32, Owner> {
    use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};
    let mut out = HashMap::new();
    if pids.is_empty() {
        return out;
    }
    let Ok(mut sys) = System::new() else {
        return out;
    };
    let wanted: Vec<Pid> = pids.iter().map(|&p| Pid::from_u32(p)).collect();
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&wanted),
        true,
        ProcessRefreshKind::nothing()
            .with_cmd(UpdateKind::Always)
            .with_cwd(UpdateKind::Always),
    );
    for &pid in pids {
        if let Some(p) = sys.process(Pid::from_u32(pid)) {
            out.insert(
                pid,
                Owner {
                    pid,
                    name: p.name().to_string_lossy().into_owned(),
                    cmdline: p
                        .cmd()
                        .iter()
                        .map(|a| a.to_string_lossy().into_owned())
                        .collect(),
                    cwd: p.cwd().map(Path::to_path_buf),
                },
            );
        }
    }
    out
}

#[cfg(test)]
/// Every listening TCP socket on this machine, with owners where visible.
/// `Err` when the socket tables cannot be read (not Linux, or /proc not mounted).
pub(crate) fn listeners() -> Result<Vec<Listener>, String> {
    let mut all = tables()?;
    name_owners(&mut all, |_| true);
    Ok(all)
}

/// Every listening TCP socket, from the kernel alone: no owners. sock_diag first — the kernel
/// walks only its listening sockets — and /proc/net/tcp{,6} where netlink is not allowed
/// (reading those walks every socket of the machine: milliseconds on a busy host).
pub(crate) fn tables() -> Result<Vec<Listener>, String> {
    if let Ok(all) = diag::listeners() {
        return Ok(all);
    }
    proc_tables()
}

/// The same from `/proc/net/tcp{,6}`.
fn proc_tables() -> Result<Vec<Listener>, String> {
    let mut all = Vec::new();
    let mut read_any = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(text) = std::fs::read_to_string(table) {
            read_any = true;
            all.extend(parse_table(&text));
        }
    }
    if !read_any {
        return Err("cannot read /proc/net/tcp (not Linux, or /proc is not mounted)".into());
    }
    Ok(all)
}

/// Names the process behind each socket that `wanted` picks, where this user may see it: a
/// walk of the fd links of the machine's processes (newest first, and it stops once every
/// picked socket is named), so only done when an owner must be named, and only for the
/// sockets that matter: a desktop has thousands of descriptors.
pub(crate) fn name_owners(all: &mut [Listener], wanted: impl Fn(&Listener) -> bool) {
    let inodes: Vec<u64> = all
        .iter()
        .filter(|l| wanted(l))
        .map(|l| l.inode)
        .filter(|&i| i != 0)
        .collect();
    let owners = socket_owners(Path::new("/proc"), &inodes);
    let mut pids: Vec<u32> = owners.values().copied().collect();
    pids.sort_unstable();
    pids.dedup();
    let described = describe(&pids);
    for l in all.iter_mut() {
        if let Some(pid) = owners.get(&l.inode) {
            l.owner = Some(described.get(pid).cloned().unwrap_or(Owner {
                pid: *pid,
                name: String::new(),
                cmdline: Vec::new(),
                cwd: std::fs::read_link(format!("/proc/{pid}/cwd")).ok(),
            }));
        }
    }
}

mod diag {
    //! A sock_diag dump of the listening TCP sockets, IPv4 and IPv6 (see sock_diag(7)).
    use super::Listener;
    use netlink_packet_core::{
        NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST,
    };
    use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, TCP_LISTEN};
    use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
    use netlink_packet_sock_diag::SockDiagMessage;
    use rustix::net::{
        self, netlink, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType,
    };
    use std::io::{Error, ErrorKind};
    use std::time::Duration;

    /// A dump is answered at once; the bound only keeps a wedged kernel from holding the run.
    const WAIT: Duration = Duration::from_secs(1);
    /// Replies are bounded too: no machine has this many listening sockets.
    const MAX_LISTENERS: usize = 100_000;

    pub(super) fn listeners() -> std::io::Result<Vec<Listener>> {
        let fd = net::socket_with(
            AddressFamily::NETLINK,
            SocketType::DGRAM,
            SocketFlags::CLOEXEC,
            Some(netlink::SOCK_DIAG),
        )?;
        net::sockopt::set_socket_timeout(&fd, net::sockopt::Timeout::Recv, Some(WAIT))?;
        let kernel = netlink::SocketAddrNetlink::new(0, 0);
        let mut out = Vec::new();
        for (seq, family) in [(1, AF_INET), (2, AF_INET6)] {
            net::sendto(&fd, &request(family, seq), SendFlags::empty(), &kernel)?;
            receive(&fd, seq, &mut out)?;
        }
        Ok(out)
    }

    fn request(family: u8, seq: u32) -> Vec<u8> {
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | NLM_F_DUMP;
        header.sequence_number = seq;
        let socket_id = if family == AF_INET {
            SocketId::new_v4()
        } else {
            SocketId::new_v6()
        };
        let mut packet = NetlinkMessage::new(
            header,
            SockDiagMessage::InetRequest(InetRequest {
                family,
                protocol: IPPROTO_TCP,
                extensions: ExtensionFlags::empty(),
                states: StateFlags::LISTEN,
                socket_id,
            })
            .into(),
        );
        packet.finalize();
        let mut buf = vec![0; packet.buffer_len()];
        packet.serialize(&mut buf);
        buf
    }

    /// Reads the dump's datagrams until its DONE message.
    fn receive(fd: &rustix::fd::OwnedFd, seq: u32, out: &mut Vec<Listener>) -> std::io::Result<()> {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            let (n, _) = net::recv(fd, &mut buf[..], RecvFlags::empty())?;
            if n == 0 {
                return Err(Error::new(ErrorKind::UnexpectedEof, "netlink closed"));
            }
            if parse(&buf[..n], seq, out)? {
                return Ok(());
            }
            if out.len() > MAX_LISTENERS {
                return Err(Error::other("too many sockets"));
            }
        }
    }

    /// Parses one datagram of a dump into `out`; `Ok(true)` at the dump's end.
    pub(super) fn parse(
        mut bytes: &[u8],
        seq: u32,
        out: &mut Vec<Listener>,
    ) -> std::io::Result<bool> {
        let bad = |why: String| Error::new(ErrorKind::InvalidData, why);
        while !bytes.is_empty() {
            let msg = NetlinkMessage::<SockDiagMessage>::deserialize(bytes)
                .map_err(|e| bad(e.to_string()))?;
            let len = msg.header.length as usize;
            if msg.header.sequence_number == seq {
                match msg.payload {
                    NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r))
                        if r.header.state == TCP_LISTEN =>
                    {
                        let id = &r.header.socket_id;
                        out.push(Listener {
                            addr: id.source_address,
                            port: id.source_port,
                            uid: r.header.uid,
                            inode: u64::from(r.header.inode),
                            owner: None,
                        });
                    }
                    NetlinkPayload::Done(_) => return Ok(true),
                    NetlinkPayload::Error(e) => return Err(bad(format!("sock_diag: {e}"))),
                    _ => {}
                }
            }
            // Messages are 4-byte aligned; a zero or short length would never advance.
            let step = len.next_multiple_of(4);
            if len < 16 || step > bytes.len() {
                return Ok(false);
            }
            bytes = &bytes[step..];
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F40 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 20 4 30 10 -1
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 98 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F42 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 97 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn ipv4_table() {
        let l = parse_table(TCP);
        assert_eq!(l.len(), 2, "established sockets are not listeners");
        assert_eq!(l[0].addr, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(l[0].port, 8000);
        assert_eq!(l[0].uid, 1000);
        assert_eq!(l[0].inode, 4242);
        assert_eq!(l[1].addr, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(l[1].port, 22);
    }

    #[test]
    fn ipv6_table() {
        let l = parse_table(TCP6);
        assert_eq!(l[0].addr, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(l[0].port, 8001);
        assert_eq!(l[1].addr, IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        assert_eq!(l[2].addr, "::ffff:127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(l[2].endpoint(), "[::ffff:127.0.0.1]:8002");
    }

    #[test]
    fn which_sockets_accept_a_target() {
        let lo4: IpAddr = "127.0.0.1".parse().unwrap();
        let lo6: IpAddr = "::1".parse().unwrap();
        let l = |a: &str| Listener {
            addr: a.parse().unwrap(),
            port: 1,
            uid: 0,
            inode: 1,
            owner: None,
        };
        assert!(l("127.0.0.1").accepts(lo4));
        assert!(!l("127.0.0.1").accepts(lo6));
        assert!(l("0.0.0.0").accepts(lo4));
        assert!(!l("0.0.0.0").accepts(lo6));
        assert!(l("::").accepts(lo4));
        assert!(l("::").accepts(lo6));
        assert!(l("::ffff:127.0.0.1").accepts(lo4));
        assert!(!l("127.0.0.2").accepts(lo4));
        assert!(!l("::1").accepts(lo4));
    }

    #[test]
    fn finds_our_own_listener_and_owner() {
        let sock = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = sock.local_addr().unwrap().port();
        let all = listeners().unwrap();
        let mine = all
            .iter()
            .find(|l| l.port == port && l.addr == IpAddr::V4(Ipv4Addr::LOCALHOST))
            .expect("our listener is in the table");
        let owner = mine.owner.as_ref().expect("our own process is visible");
        assert_eq!(owner.pid, std::process::id());
        assert!(!owner.command().is_empty());
        assert_eq!(owner.cwd, std::env::current_dir().ok());
    }

    /// Only the sockets asked about are named: the walk of every process's descriptors is
    /// the expensive part.
    #[test]
    fn only_the_wanted_sockets_get_an_owner() {
        let asked = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let other = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let (a, o) = (
            asked.local_addr().unwrap().port(),
            other.local_addr().unwrap().port(),
        );
        let mut all = tables().unwrap();
        name_owners(&mut all, |l| l.port == a);
        let owner_of = |port| {
            all.iter()
                .find(|l| l.port == port)
                .map(|l| l.owner.is_some())
        };
        assert_eq!(owner_of(a), Some(true));
        assert_eq!(owner_of(o), Some(false));
    }

    #[test]
    fn netlink_and_proc_agree_on_our_listeners() {
        let v4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let v6 = std::net::TcpListener::bind("[::1]:0");
        let mut wanted = vec![(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            v4.local_addr().unwrap().port(),
        )];
        if let Ok(v6) = &v6 {
            wanted.push((
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                v6.local_addr().unwrap().port(),
            ));
        }
        let from_netlink = diag::listeners().expect("sock_diag answers on Linux");
        let from_proc = proc_tables().unwrap();
        for (addr, port) in wanted {
            let find = |all: &[Listener]| {
                all.iter()
                    .find(|l| l.addr == addr && l.port == port)
                    .cloned()
                    .unwrap_or_else(|| panic!("{addr}:{port} missing"))
            };
            let (n, p) = (find(&from_netlink), find(&from_proc));
            assert_eq!(n, p, "the same socket, uid and inode both ways");
            assert_ne!(n.inode, 0);
        }
        // Only listening sockets: an accepted connection's socket is not listed.
        let client = std::net::TcpStream::connect(v4.local_addr().unwrap()).unwrap();
        let local = client.local_addr().unwrap();
        assert!(!diag::listeners()
            .unwrap()
            .iter()
            .any(|l| l.port == local.port()));
    }

    proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn garbage_netlink_datagrams_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut out = Vec::new();
            let _ = diag::parse(&bytes, 1, &mut out);
        }
        #[test]
        fn garbage_tables_never_panic(text in "\\PC*") {
            let _ = parse_table(&text);
        }
        #[test]
        fn garbage_lines_never_panic(a in "[0-9A-Fa-f:]{0,40}", b in "[0-9A-Z]{0,3}", c in "\\PC{0,20}") {
            let _ = parse_table(&format!("header\n 0: {a} {a} {b} x y z {c} 0 {c}\n"));
        }
    }
}
