package net.dta.query.route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.dta.deployment.BucketMap;
import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.StoreSpec;

/**
 * The deployment file's placement: each store's collectors and its 256-entry bucket map, read
 * through the deployment module's {@link BucketMap} (the object the controller programs translators
 * with), so queries follow exactly the mapping the translator writes with.
 */
public final class DeploymentPlacement implements Placement {
    private final Deployment deployment;
    private final List<PlacedStore> stores;
    private final Map<String, BucketMap> maps = new LinkedHashMap<>();

    public DeploymentPlacement(Deployment deployment) {
        this.deployment = deployment;
        this.stores = deployment.stores().stream().map(s -> new PlacedStore(s.name(), s.id(), s.kind(), s.collectors())).toList();
        for (StoreSpec s : deployment.stores()) {
            maps.put(s.name(), deployment.bucketMap(s));
        }
    }

    public Deployment deployment() {
        return deployment;
    }

    @Override
    public List<PlacedStore> stores() {
        return stores;
    }

    @Override
    public String collectorForKey(String store, byte[] key) {
        return name(map(store).collectorForKey(key));
    }

    @Override
    public String collectorForList(String store, int list) {
        return name(map(store).collectorForList(list & 0xFFFF_FFFFL));
    }

    @Override
    public String collectorForColumn(String store, long column) {
        return name(map(store).collectorForColumn(column));
    }

    private BucketMap map(String store) {
        BucketMap m = maps.get(store);
        if (m == null) {
            throw new IllegalArgumentException("no store " + store + " in the deployment");
        }
        return m;
    }

    private static String name(CollectorSpec c) {
        return c == null ? null : c.name();
    }

    @Override
    public String describe() {
        return "deployment " + (deployment.source() == null ? deployment.name() : deployment.source().toString());
    }
}
