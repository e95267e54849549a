"""An imitation of the Discord API (REST and Gateway) on 127.0.0.1, for testing the real bot at the wire."""
