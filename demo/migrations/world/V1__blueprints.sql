-- The world database: static blueprints that every campaign starts from.
-- Every blueprint carries a version, bumped whenever a designer changes it, so that a campaign
-- (in another database, where no foreign key can reach) can tell that its copy is older.

CREATE TABLE worlds (
    id         bigint PRIMARY KEY,
    name       text NOT NULL,
    version    int NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE factions (
    id         bigint PRIMARY KEY,
    world_id   bigint NOT NULL REFERENCES worlds,
    name       text NOT NULL,
    alignment  text NOT NULL,
    version    int NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE locations (
    id         bigint PRIMARY KEY,
    world_id   bigint NOT NULL REFERENCES worlds,
    parent_id  bigint REFERENCES locations,
    name       text NOT NULL,
    kind       text NOT NULL,
    version    int NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE characters (
    id               bigint PRIMARY KEY,
    world_id         bigint NOT NULL REFERENCES worlds,
    faction_id       bigint REFERENCES factions,
    home_location_id bigint REFERENCES locations,
    name             text NOT NULL,
    level            int NOT NULL,
    traits           jsonb NOT NULL DEFAULT '{}',
    version          int NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE items (
    id         bigint PRIMARY KEY,
    world_id   bigint NOT NULL REFERENCES worlds,
    name       text NOT NULL,
    rarity     text NOT NULL,
    base_stats jsonb NOT NULL DEFAULT '{}',
    version    int NOT NULL,
    updated_at timestamptz NOT NULL
);
