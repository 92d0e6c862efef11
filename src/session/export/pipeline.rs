//! Ordered pipelines on every core, with bounded queues (memory stays a few items deep):
//! - [`ordered`]: one thread produces items in order (reading a file, running a stateful filter), every
//!   core works on them independently, and the calling thread consumes the results in the order the items
//!   were produced (writing a file);
//! - [`indexed`]: items that need nothing from each other (parts of a file each core reads for itself):
//!   every core works on every n-th item with state of its own, and the calling thread consumes the results
//!   in the items' order.

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

/// Runs `work` on items `0..count` on every core, each core with its own `state` (made on that core) and
/// every n-th item, and `consume` on each result in the items' order on the calling thread. The first
/// error, a worker's or the consumer's, is returned, and the work stops soon after it.
pub fn indexed<S, U, E>(
    count: usize,
    state: impl Fn() -> Result<S, E> + Sync,
    work: impl Fn(&mut S, usize) -> Result<U, E> + Sync,
    mut consume: impl FnMut(U) -> Result<(), E>,
) -> Result<(), E>
where
    U: Send,
    E: Send,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().clamp(1, 8))
        .min(count.max(1));
    std::thread::scope(|scope| {
        let (state, work) = (&state, &work);
        let results: Vec<Receiver<Result<U, E>>> = (0..workers)
            .map(|k| {
                let (tx, rx) = bounded(2);
                scope.spawn(move || {
                    let mut own = match state() {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    };
                    for i in (k..count).step_by(workers) {
                        let result = work(&mut own, i);
                        let failed = result.is_err();
                        // A closed queue means the consumer has stopped.
                        if tx.send(result).is_err() || failed {
                            return;
                        }
                    }
                });
                rx
            })
            .collect();
        for i in 0..count {
            // A worker only stops early after sending its error, which comes first.
            let result = results[i % workers]
                .recv()
                .expect("a pipeline worker stopped without a reason");
            result.and_then(&mut consume)?;
        }
        Ok(())
        // Leaving drops the queues' ends, so workers blocked on a full queue see that nobody listens.
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

    #[test]
    fn indexed_results_come_in_order_with_state_per_core_and_errors_stop_it() {
        let mut seen = Vec::new();
        let r: Result<(), String> = indexed(
            1000,
            || Ok(Vec::<usize>::new()),
            |mine, i| {
                mine.push(i);
                Ok(i * i)
            },
            |v| {
                seen.push(v);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(seen, (0..1000).map(|i| i * i).collect::<Vec<_>>());

        let r: Result<(), String> = indexed(
            1_000_000,
            || Ok(()),
            |_, i| {
                if i == 77 {
                    Err(format!("bad {i}"))
                } else {
                    Ok(i)
                }
            },
            |_| Ok(()),
        );
        assert_eq!(r, Err("bad 77".into()));

        let r: Result<(), String> = indexed(
            1_000_000,
            || Ok(()),
            |_, i| Ok(i),
            |v| {
                if v == 10 {
                    Err("full disk".into())
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err("full disk".into()));

        let r: Result<(), String> = indexed(
            5,
            || Err("unreadable".into()),
            |_: &mut (), i| Ok(i),
            |_| Ok(()),
        );
        assert_eq!(r, Err("unreadable".into()));
    }
}
