-- The epoch of each room's history: an opaque id created with the room's first event. A resume names the
-- epoch it continues, so a history replaced under it (a new database that already has as many events)
-- is told apart from its own. Portable between H2 2.x and PostgreSQL.
CREATE TABLE room_epochs (
  room       VARCHAR(64) NOT NULL,
  epoch      VARCHAR(64) NOT NULL,
  created_at BIGINT      NOT NULL,
  CONSTRAINT room_epochs_pk PRIMARY KEY (room)
);

-- Rooms with history from before this migration: the time of their first event, which another history
-- of the same room will not share (a copy of this database will, and rightly so).
INSERT INTO room_epochs (room, epoch, created_at)
  SELECT room, CAST(MIN(ts) AS VARCHAR(20)), MIN(ts) FROM room_events GROUP BY room;
