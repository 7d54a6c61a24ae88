//! Download planning (resume with Range): see the transports.
