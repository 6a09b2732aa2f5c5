package net.dta.deployment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;
import net.dta.protocol.layout.StoreDefinition;
import net.dta.protocol.layout.StoreKind;

/** The {@code stores} list: names and ids, the collectors holding each store and its bucket map. */
final class StoresBinder {
    private static final List<String> KINDS = Arrays.stream(StoreKind.values()).map(StoreKind::configName).toList();

    private final Binding binding;
    private final Names names;
    private final BucketsBinder buckets;
    private final Set<String> collectorNames;

    /** @param collectorNames every collector name declared (valid entry or not) */
    StoresBinder(Binding binding, Names names, Set<String> collectorNames) {
        this.binding = binding;
        this.names = names;
        this.buckets = new BucketsBinder(binding, collectorNames);
        this.collectorNames = collectorNames;
    }

    /** @param collectors the names of the valid collectors, in file order */
    List<StoreSpec> bind(Fields top, List<String> collectors) {
        List<ConfigNode> items = top.list("stores", true);
        if (items.isEmpty() && top.has("stores")) {
            top.problem("stores", "the list is empty; a deployment needs at least one store");
        }
        List<StoreSpec> out = new ArrayList<>();
        Unique<String> uniqueNames = new Unique<>("stores", "name", "store names must be unique");
        Unique<Integer> ids = new Unique<>("stores", "id", "store ids must be unique in a deployment (reports name stores by id)");
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields("stores[" + i + "]", items.get(i));
            int before = binding.problemCount();
            String name = f.string("name", null, "a store name (as in the collectors' configuration)");
            if (name != null && !StoreDefinition.isValidName(name)) {
                f.problem("name", "must be 1.." + StoreDefinition.NAME_BYTES + " bytes of letters, digits, '.', '_' or '-', "
                        + "as in the collectors' configuration, got \"" + name + "\"");
            }
            Integer id = f.integer("id", null, 1, 65535);
            String kindName = f.has("kind") ? f.choice("kind", null, KINDS) : null;
            StoreKind kind = kindName == null ? null : StoreKind.ofConfigName(kindName);
            List<String> members = names.list(f, "collectors", collectorNames, collectors, "collector");
            List<String> bucketMap = buckets.bind(f, members);
            int batch = f.integer("append-batch", 1, 1, 16);
            if (Integer.bitCount(batch) != 1) {
                f.problem("append-batch", "must be 1, 2, 4, 8 or 16 entries per RDMA WRITE, got " + batch);
            }
            if (kind != null && kind != StoreKind.APPEND && f.has("append-batch")) {
                f.problem("append-batch", "only Append stores batch; this is a " + kind.configName() + " store: remove the field");
            }
            Integer tailBase = null;
            if (f.has("tail-base")) {
                tailBase = f.integer("tail-base", 0, 0, DeploymentLoader.TAIL_REGISTERS - 1);
                if (kind != null && kind != StoreKind.APPEND) {
                    f.problem("tail-base", "only Append stores have tails; this is a " + kind.configName() + " store: remove the field");
                }
            }
            f.rejectUnknown("a store");
            uniqueNames.add(f, i, name);
            ids.add(f, i, id);
            if (binding.problemCount() == before && name != null && id != null && bucketMap != null) {
                out.add(new StoreSpec(name, id, kind, members, bucketMap, f.has("buckets"), batch, tailBase));
            }
        }
        return out;
    }
}
