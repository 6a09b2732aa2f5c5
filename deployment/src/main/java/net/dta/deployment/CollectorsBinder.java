package net.dta.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import net.dta.common.config.ConfigNode;
import net.dta.common.config.Fields;
import net.dta.common.config.HostPort;
import net.dta.common.security.ClientSecurity;

/**
 * The {@code collectors} list. It also keeps every collector name declared, valid entry or not,
 * so that the stores and translators that refer to one are not reported a second time.
 */
final class CollectorsBinder {
    private final Binding binding;
    private final Set<String> declared = new LinkedHashSet<>();

    CollectorsBinder(Binding binding) {
        this.binding = binding;
    }

    /** Every name a collector entry gave, valid or not (after {@link #bind}). */
    Set<String> declaredNames() {
        return declared;
    }

    List<CollectorSpec> bind(Fields top) {
        List<ConfigNode> items = top.list("collectors", true);
        if (items.isEmpty() && top.has("collectors")) {
            top.problem("collectors", "the list is empty; a deployment needs at least one collector");
        }
        List<CollectorSpec> out = new ArrayList<>();
        Unique<String> uniqueNames = new Unique<>("collectors", "name", "collector names must be unique");
        Unique<Integer> indices = new Unique<>("collectors", "index", "collector indices must be unique (translators know collectors by index)");
        Unique<Integer> addresses = new Unique<>("collectors", "address", "collector addresses must be unique (one RDMA endpoint each)");
        for (int i = 0; i < items.size(); i++) {
            Fields f = binding.fields("collectors[" + i + "]", items.get(i));
            int before = binding.problemCount();
            String name = f.name("name", null);
            if (name != null) {
                declared.add(name);
            }
            int index = f.integer("index", Math.min(i, 255), 0, 255);
            Integer address = f.ipv4Int("address", null, "10.0.0.2");
            long mac = f.mac("mac", address == null ? 0 : Mac.ofIpv4(address), "02:00:00:00:00:01");
            int cmPort = f.integer("cm-port", DeploymentLoader.DEFAULT_CM_PORT, 1, 65535);
            int mtu = f.integer("path-mtu", 1024, 256, 4096);
            if (Integer.bitCount(mtu) != 1) {
                f.problem("path-mtu", "must be 256, 512, 1024, 2048 or 4096 (an InfiniBand MTU), got " + mtu);
            }
            HostPort admin = Binding.endpoint(f, "admin", null);
            Path dataDir = f.has("data-dir") ? binding.baseDir().resolve(f.string("data-dir", "", "a directory path")).normalize() : null;
            HostPort query = Binding.endpoint(f, "query", null);
            ClientSecurity adminSecurity = binding.clientSecurity(f, "admin-security");
            ClientSecurity querySecurity = binding.clientSecurity(f, "query-security");
            f.rejectUnknown("a collector");
            uniqueNames.add(f, i, name);
            indices.add(f, i, index);
            addresses.add(f, i, address);
            if (binding.problemCount() == before && name != null && address != null) {
                out.add(new CollectorSpec(name, index, address, mac, cmPort, mtu, admin, dataDir, query, adminSecurity, querySecurity));
            }
        }
        return out;
    }
}
