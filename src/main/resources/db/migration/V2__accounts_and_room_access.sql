-- Accounts, and who may use a private room. Portable between H2 2.x and PostgreSQL.

-- A registered user. Names are unique ignoring case (name_key is the lower-cased name), so nobody can
-- register, or pose as a guest under, a look-alike of someone else's name. password_hash is a PHC string
-- ($pbkdf2$it=...$salt$hash) and is never sent anywhere.
CREATE TABLE users (
  name_key      VARCHAR(128) NOT NULL,
  username      VARCHAR(128) NOT NULL,
  password_hash VARCHAR(512) NOT NULL,
  roles         VARCHAR(256) DEFAULT '' NOT NULL,
  created_at    BIGINT       NOT NULL,
  CONSTRAINT users_pk PRIMARY KEY (name_key)
);

-- A room's owner (the first registered user to join or post in it) and whether it is members-only.
CREATE TABLE rooms (
  room         VARCHAR(64)  NOT NULL,
  creator      VARCHAR(128) NOT NULL,
  members_only BOOLEAN      DEFAULT FALSE NOT NULL,
  created_at   BIGINT       NOT NULL,
  CONSTRAINT rooms_pk PRIMARY KEY (room)
);

-- The members of a members-only room besides its creator.
CREATE TABLE room_members (
  room     VARCHAR(64)  NOT NULL,
  username VARCHAR(128) NOT NULL,
  CONSTRAINT room_members_pk PRIMARY KEY (room, username)
);

-- Whether an event's author was a guest (a name nobody proved), so replays can say so too.
ALTER TABLE room_events ADD COLUMN guest BOOLEAN DEFAULT FALSE NOT NULL;
