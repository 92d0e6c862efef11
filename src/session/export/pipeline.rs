//! An ordered pipeline on every core: one thread produces items in order (reading a file, running a
//! stateful filter), every core works on them independently, and the calling thread consumes the results in
//! the order the items were produced (writing a file). Queues are bounded, so memory stays a few items deep.

use crossbeam_channel::{Receiver, Sender, bounded};

/// Runs `produce` on its own thread, handing each item to the function it is given (which returns false
/// once the consumer has stopped), `work` on each item on every core, and `consume` on each result, in the
/// producer's order, on the calling thread. The first error, the producer's or the consumer's, is returned.
pub fn ordered<T, U, E>(
    produce: impl FnOnce(&mut dyn FnMut(T) -> bool) -> Result<(), E> + Send,
    work: impl Fn(T) -> U + Sync,
    mut consume: impl FnMut(U) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    U: Send,
    E: Send,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let (jobs_tx, jobs_rx) = bounded::<(T, Sender<U>)>(workers * 2);
    let (order_tx, order_rx) = bounded::<Receiver<U>>(workers * 4);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut send = |item: T| {
                let (tx, rx) = bounded(1);
                jobs_tx.send((item, tx)).is_ok() && order_tx.send(rx).is_ok()
            };
            produce(&mut send)
        });
        let work = &work;
        for _ in 0..workers {
            let jobs_rx = jobs_rx.clone();
            scope.spawn(move || {
                for (item, reply) in jobs_rx {
                    let _ = reply.send(work(item));
                }
            });
        }
        drop(jobs_rx);
        let mut consumed = Ok(());
        for rx in order_rx {
            // A reply is only missing when the producer stopped early; its error comes below.
            let Ok(result) = rx.recv() else { break };
            if let Err(e) = consume(result) {
                consumed = Err(e);
                break;
            }
        }
        // Dropping the queue's end (by leaving the loop) lets a blocked producer see that nobody listens.
        let produced = producer.join().expect("the producer thread panicked");
        produced.and(consumed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_and_errors_stop_it() {
        let mut seen = Vec::new();
        let r: Result<(), String> = ordered(
            |send| {
                for i in 0..1000u64 {
                    if !send(i) {
                        break;
                    }
                }
                Ok(())
            },
            |i| i * i,
            |v| {
                seen.push(v);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, (0..1000u64).map(|i| i * i).collect::<Vec<_>>());

        let r: Result<(), String> = ordered(
            |send| {
                for i in 0..1_000_000u64 {
                    if !send(i) {
                        return Ok(());
                    }
                }
                Err("the consumer should have stopped it".into())
            },
            |i| i,
            |v| {
                if v == 10 {
                    Err("full disk".into())
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("full disk".into()));

        let r: Result<(), String> = ordered(
            |send| {
                send(1);
                Err("unreadable".into())
            },
            |i: u64| i,
            |_| Ok(()),
        );
        assert_eq!(r, Err("unreadable".into()));
    }
}
