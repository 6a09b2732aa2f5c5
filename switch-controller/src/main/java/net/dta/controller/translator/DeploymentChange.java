package net.dta.controller.translator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import net.dta.deployment.CollectorSpec;
import net.dta.deployment.Deployment;
import net.dta.deployment.StoreSpec;
import net.dta.deployment.TranslatorSpec;

/**
 * What a changed deployment means for one translator's queue pairs and Append tails
 * (docs/controller.md, "deployment file edited"), computed from the two deployments alone: a pure function,
 * so that every case is a unit test. A collector whose settings changed is removed and added (its
 * queue pair is connected again); a store that is gone or whose tail base changed gives its tail
 * registers back; a new store may need the tails of its lists recovered.
 *
 * @param removed      collectors whose queue pairs go (disconnected, entries deleted)
 * @param added        collectors whose queue pairs are made and connected
 * @param tailsDropped ids of stores whose tail ranges are released (removed, or a new tail base)
 * @param storesAdded  stores that did not exist before
 */
record DeploymentChange(List<CollectorSpec> removed, List<CollectorSpec> added, List<Integer> tailsDropped,
                        List<StoreSpec> storesAdded) {

    /**
     * @param translator the translator as the next deployment describes it
     * @param current    the collectors it has queue pairs to now
     */
    static DeploymentChange between(Deployment previous, Deployment next, TranslatorSpec translator,
                                    Collection<CollectorSpec> current) {
        Map<Integer, CollectorSpec> wanted = new LinkedHashMap<>();
        next.collectorsOf(translator).forEach(c -> wanted.put(c.index(), c));
        List<CollectorSpec> removed = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (CollectorSpec c : current) {
            if (c.equals(wanted.get(c.index()))) {
                kept.add(c.index());
            } else {
                removed.add(c);
            }
        }
        List<CollectorSpec> added = wanted.values().stream().filter(c -> !kept.contains(c.index())).toList();
        List<Integer> tailsDropped = new ArrayList<>();
        for (StoreSpec s : previous.stores()) {
            StoreSpec now = next.storeById(s.id()).orElse(null);
            if (now == null || !Objects.equals(now.tailBase(), s.tailBase())) {
                tailsDropped.add(s.id());
            }
        }
        List<StoreSpec> storesAdded = next.stores().stream().filter(s -> previous.storeById(s.id()).isEmpty()).toList();
        return new DeploymentChange(List.copyOf(removed), added, List.copyOf(tailsDropped), storesAdded);
    }
}
