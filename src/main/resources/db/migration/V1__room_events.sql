-- Every persisted event of every room, in per-room seq order. A chat row holds the message's current
-- state (edited text, deleted flag); edited and deleted rows record the change itself, with their own seq.
-- Portable between H2 2.x and PostgreSQL: no dialect-specific types or syntax.
CREATE TABLE room_events (
  room        VARCHAR(64)  NOT NULL,
  seq         BIGINT       NOT NULL,
  kind        VARCHAR(16)  NOT NULL,
  message_id  VARCHAR(64)  NOT NULL,
  username    VARCHAR(128) NOT NULL,
  body        VARCHAR,
  ts          BIGINT       NOT NULL,
  cid         VARCHAR(64),
  edited      BOOLEAN      DEFAULT FALSE NOT NULL,
  deleted     BOOLEAN      DEFAULT FALSE NOT NULL,
  CONSTRAINT room_events_pk PRIMARY KEY (room, seq)
);

-- Edits and deletions find their message (and its earlier edits) by id.
CREATE INDEX room_events_message ON room_events (message_id);

-- A client id is used once per user and room, so a retried publish can never be stored twice.
-- Rows without a cid (NULL) never collide.
CREATE UNIQUE INDEX room_events_cid ON room_events (cid, room, username);
