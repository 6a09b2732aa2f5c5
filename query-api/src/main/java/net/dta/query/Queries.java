package net.dta.query;

import net.dta.query.model.Answers;
import net.dta.query.model.StatusReport;

/**
 * The query operations as a caller sees them, whether the service runs in this process
 * ({@link QueryService}) or is reached over gRPC ({@link net.dta.query.grpc.QueryClient}): the CLI
 * runs every command against either. {@code collector} is empty to route by the placement, or names
 * the one collector to read. Failures are {@link QueryException}s.
 */
public interface Queries {
    Answers.KeyWrite keyWrite(String store, String key, int redundancy, String collector);

    /** Key-Write get of 1..10000 keys of one store. */
    Answers.KeyWriteMany keyWriteMany(String store, java.util.List<String> keys, int redundancy, String collector);

    Answers.Counter counter(String store, String key, String collector);

    Answers.Path path(String store, String key, String collector);

    /** @param from null: the oldest entry still in the ring; max 0: the default (100) */
    Answers.Append appendRead(String store, int list, Long from, int max, String collector);

    /** An empty read at the list's tail: {@code nextPosition()} is where new entries will appear. */
    Answers.Append appendTail(String store, int list, String collector);

    Answers.Stores stores();

    StatusReport status(String collector, boolean refresh);
}
