//! An in-process SMTP sink for tests: listens on 127.0.0.1 (port 0 by default), answers the
//! minimal command set of RFC 5321 §4.5.1 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
//! and records every accepted message: envelope sender, recipients and the raw data.
//!
//! It can be stopped and started again on the same port, to test a mail server that is down
//! for a while, and told to answer recipients with 451 (try later) or 550 (refused).
//!
//! Include it with `#[path = "support/smtp_sink.rs"] mod smtp_sink;` in `tests/*.rs`, or
//! `#[path = "../support/smtp_sink.rs"] mod smtp_sink;` in `tests/api/main.rs`.
//! It runs its own tokio runtime on its own thread, so it works the same under
//! `#[tokio::test]`, `#[actix_rt::test]` or a plain `#[test]`.
//!
//! Why not `mailin-embedded`: its `Server::serve` blocks forever on a listener it owns and
//! offers no way to stop, so the port could never be freed and bound again.
#![allow(dead_code)]

use std::{
    net::{SocketAddr, TcpListener as StdListener},
    sync::{Arc, Mutex},
    thread::JoinHandle,
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

/// Longest command or data line accepted (RFC 5321 allows 1000 octets for text lines).
const MAX_LINE: usize = 4096;
/// Largest message accepted.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The `MAIL FROM` address, without angle brackets.
    pub mail_from: String,
    /// The accepted `RCPT TO` addresses, without angle brackets.
    pub recipients: Vec<String>,
    /// The message as sent after `DATA`, dot-unstuffed, lines ending in CRLF.
    pub data: String,
}

impl ReceivedMail {
    /// The first header `name` (case-insensitive), unfolded; `None` when absent.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push(' ');
                    current.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':') {
                if key.eq_ignore_ascii_case(name) {
                    value = Some(rest.trim().to_owned());
                }
            }
        }
        value
    }
}

/// How the sink answers `RCPT TO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 250: accept every recipient (the default).
    Accept,
    /// 451: a transient failure; the client should try again later.
    Defer,
    /// 550: a permanent refusal.
    Reject,
}

#[derive(Debug)]
struct Shared {
    mode: Mode,
    messages: Vec<ReceivedMail>,
}

struct Running {
    shutdown: oneshot::Sender<()>,
    thread: JoinHandle<()>,
}

/// The sink; stops when dropped.
pub struct SmtpSink {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    running: Option<Running>,
}

impl SmtpSink {
    /// Starts a sink on 127.0.0.1 on a free port.
    pub fn start() -> SmtpSink {
        let listener = StdListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Mutex::new(Shared {
            mode: Mode::Accept,
            messages: Vec::new(),
        }));
        let running = Some(spawn(listener, shared.clone()));
        SmtpSink {
            address,
            shared,
            running,
        }
    }

    /// The port the sink listens on (the same after a restart).
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `smtp://127.0.0.1:{port}`: plain SMTP, no TLS, no authentication.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// Whether the sink is listening.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Closes the listener and every open session; connecting is refused until
    /// [`restart`](Self::restart). Messages received so far are kept.
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown.send(());
            running
                .thread
                .join()
                .expect("the SMTP sink thread panicked");
        }
    }

    /// Listens again on the same port after [`stop`](Self::stop).
    pub fn restart(&mut self) {
        if self.running.is_some() {
            return;
        }
        // The old socket is closed; std sets SO_REUSEADDR, so TIME_WAIT does not block.
        let mut attempt = 0;
        let listener = loop {
            match StdListener::bind(self.address) {
                Ok(listener) => break listener,
                Err(_) if attempt < 50 => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("rebind the SMTP sink on {}: {e}", self.address),
            }
        };
        self.running = Some(spawn(listener, self.shared.clone()));
    }

    /// Sets how `RCPT TO` is answered from now on.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap().mode = mode;
    }

    /// Every message accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared.lock().unwrap().messages.clone()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        self.shared.lock().unwrap().messages.clear();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn(listener: StdListener, shared: Arc<Mutex<Shared>>) -> Running {
    listener.set_nonblocking(true).unwrap();
    let (shutdown, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("smtp-sink".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(serve(listener, shared, stopped));
            // Dropping the runtime ends the open sessions and closes their sockets.
        })
        .unwrap();
    Running { shutdown, thread }
}

async fn serve(
    listener: StdListener,
    shared: Arc<Mutex<Shared>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let listener = TcpListener::from_std(listener).unwrap();
    let mut sessions = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    sessions.spawn(session(stream, shared.clone()));
                }
            }
        }
    }
    sessions.abort_all();
}

/// One SMTP session; ends on QUIT, on a closed connection or on a line that is too long.
async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write
        .write_all(b"220 hulpmarkt-sink ESMTP ready\r\n")
        .await?;
    let mut mail_from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read_line(&mut read, &mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-hulpmarkt-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 hulpmarkt-sink\r\n",
            "MAIL" => {
                mail_from = Some(angle_address(command));
                recipients.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if mail_from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => match shared.lock().unwrap().mode {
                Mode::Accept => {
                    recipients.push(angle_address(command));
                    b"250 2.1.5 OK\r\n"
                }
                Mode::Defer => b"451 4.3.0 Try again later\r\n",
                Mode::Reject => b"550 5.1.1 Mailbox unavailable\r\n",
            },
            "DATA" if recipients.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut read).await?;
                shared.lock().unwrap().messages.push(ReceivedMail {
                    mail_from: mail_from.take().unwrap_or_default(),
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
                b"250 2.0.0 OK queued\r\n"
            }
            "RSET" => {
                mail_from = None;
                recipients.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            "STARTTLS" | "AUTH" => b"502 5.5.1 Not supported by this sink\r\n",
            _ => b"500 5.5.2 Command not recognized\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// Reads one line (with its CRLF) into `line`; 0 at end of stream.
async fn read_line<R>(read: &mut R, line: &mut String) -> std::io::Result<usize>
where
    R: AsyncBufReadExt + Unpin,
{
    let mut bytes = Vec::new();
    let n = (&mut *read)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut bytes)
        .await?;
    if n == MAX_LINE && !bytes.ends_with(b"\n") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long",
        ));
    }
    line.push_str(&String::from_utf8_lossy(&bytes));
    Ok(n)
}

/// The message after DATA up to the line with a single dot, dot-unstuffed (RFC 5321 §4.5.2).
async fn read_data<R>(read: &mut R) -> std::io::Result<String>
where
    R: AsyncBufReadExt + Unpin,
{
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read_line(read, &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == ".\r\n" || line == ".\n" {
            return Ok(data);
        }
        let unstuffed = line.strip_prefix('.').unwrap_or(&line);
        data.push_str(unstuffed);
        if data.len() > MAX_MESSAGE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "message too large",
            ));
        }
    }
}

/// The address between `<` and `>` in `MAIL FROM:<a@b> SIZE=1` or `RCPT TO:<a@b>`.
fn angle_address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
