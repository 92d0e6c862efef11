//! `innervate ports`: the serial ports a board may be on.

use anyhow::Result;

/// Prints one port per line: path, USB vendor:product (or `-`), description.
pub fn run() -> Result<()> {
    let ports = innervate::source::serial::list_ports()?;
    if ports.is_empty() {
        println!("No serial ports found. Plug the board in, or try `innervate simulate --pty`.");
    }
    for p in ports {
        let usb = p
            .usb
            .map(|(v, d)| format!("{v:04x}:{d:04x}"))
            .unwrap_or_else(|| "-".into());
        println!("{}\t{usb}\t{}", p.path, p.description);
    }
    Ok(())
}
