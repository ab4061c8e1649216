-- 0001: parcels for the details service, lifecycle states, events and history.
CREATE TABLE parcels (
    parcel_id   TEXT PRIMARY KEY,
    barcode     TEXT UNIQUE,
    details     TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- The lifecycle state of one subject (a Tastamat parcel, a Fastriver request).
CREATE TABLE subjects (
    source  TEXT NOT NULL,
    subject TEXT NOT NULL,
    state   TEXT NOT NULL,
    PRIMARY KEY (source, subject)
);

-- One row per distinct event: the primary key is the event's identity, so a retry
-- cannot add a row (idempotence is this constraint, not a check before the insert).
CREATE TABLE events (
    event_key        TEXT PRIMARY KEY,
    source           TEXT NOT NULL,
    subject          TEXT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('pending', 'applied', 'duplicate', 'stale', 'rejected')),
    code             TEXT,
    reason           TEXT,
    deliveries       BIGINT NOT NULL DEFAULT 1,
    summary          TEXT NOT NULL,
    first_received_at TEXT NOT NULL,
    last_received_at TEXT NOT NULL
);
CREATE INDEX events_subject ON events (source, subject);

-- One row per applied state change, in commit order.
CREATE TABLE history (
    seq         BIGSERIAL PRIMARY KEY,
    source      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    event_key   TEXT NOT NULL UNIQUE REFERENCES events (event_key),
    event       TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX history_subject ON history (subject, seq);

-- Written by the readiness probe.
CREATE TABLE probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
