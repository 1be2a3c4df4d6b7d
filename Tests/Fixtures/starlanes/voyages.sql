-- Starlanes' live state: voyages (its campaigns), pilots and the ships of each voyage.
CREATE TABLE IF NOT EXISTS voyages (
    voyage_no bigint PRIMARY KEY,
    galaxy_id integer NOT NULL,
    galaxy_rev integer NOT NULL,
    phase text NOT NULL
);
CREATE TABLE IF NOT EXISTS pilots (
    callsign text PRIMARY KEY,
    joined date NOT NULL
);
CREATE TABLE IF NOT EXISTS voyage_ships (
    voyage_no bigint NOT NULL REFERENCES voyages,
    design_code text NOT NULL,
    shown_name text NOT NULL,
    tier smallint NOT NULL,
    pinned_fields text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (voyage_no, design_code)
);
INSERT INTO voyages VALUES (100, 1, 3, 'underway'), (101, 1, 2, 'finished') ON CONFLICT DO NOTHING;
INSERT INTO pilots VALUES ('VIPER', '2026-01-02'), ('ORCA', '2026-03-04') ON CONFLICT DO NOTHING;
INSERT INTO voyage_ships VALUES
    (100, 'FRG-1', 'Frigate', 1, '{}'),
    (100, 'CRV-2', 'Corvette Mk II', 2, '{shown_name}'),
    (101, 'DRD-9', 'Dreadnought 🚀', 4, '{}')
ON CONFLICT DO NOTHING;
