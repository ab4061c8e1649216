//! Running the server: bind, serve until SIGTERM (or Ctrl-C), finish what is in flight.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::ServerConfig;
use crate::http::{router, AppState};
use crate::store::{self, Store, StoreError};

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: io::Error },
    #[error("server: {0}")]
    Io(#[from] io::Error),
    #[error("configuration: {0}")]
    Config(String),
}

impl ServeError {
    pub fn code(&self) -> &'static str {
        match self {
            ServeError::Store(e) => e.code(),
            ServeError::Listen { .. } => "listen",
            ServeError::Io(_) => "io",
            ServeError::Config(_) => "config",
        }
    }
}

/// A server running on the current tokio runtime.
pub struct Running {
    /// The bound address (the real port when the config said port 0).
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, and waits for them.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.map_err(io::Error::other)?
    }
}

/// Binds `config.listen` and serves `store` until [`Running::stop`].
pub async fn start(config: &ServerConfig, store: Arc<dyn Store>) -> Result<Running, ServeError> {
    let state = AppState::new(config, store).map_err(ServeError::Config)?;
    start_with(config, state).await
}

/// As [`start`], with a state built by the caller (tests fix the clock).
pub async fn start_with(config: &ServerConfig, state: AppState) -> Result<Running, ServeError> {
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let app = router(state, config.max_body_bytes, config.request_timeout);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        task,
    })
}

async fn terminate_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the server until SIGTERM or Ctrl-C: opens the store (applying migrations),
/// binds, logs the address, serves, and on the signal stops accepting and waits for the
/// requests in flight. Blocks; builds its own runtime. `on_listening` gets the bound
/// address (the CLI prints it).
pub fn run(config: ServerConfig, on_listening: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let store: Arc<dyn Store> = Arc::from(store::open_with(
        config.store.expose(),
        &config.store_options(),
    )?);
    // The PostgreSQL driver is synchronous and owns a runtime of its own, which must not
    // be dropped inside this one: this reference outlives the server's, so the store is
    // dropped here, after `block_on`, not on a worker thread at shutdown.
    let keep = store.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let running = start(&config, store).await?;
        tracing::info!(addr = %running.addr, "listening");
        on_listening(running.addr);
        terminate_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        running.stop().await?;
        tracing::info!("stopped");
        Ok(())
    });
    drop(runtime);
    drop(keep);
    result
}
