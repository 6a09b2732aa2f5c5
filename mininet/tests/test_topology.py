"""The topology generators and the deployment they produce, without Mininet or BMv2: every path
follows links, every route's port leads to the next hop it names, reports reach the translator,
and the deployment's flow rules say each switch's hop on each path. Run by FabricGeneratorTest
(module dta-mininet) and by `python3 -m unittest discover -s mininet/tests -t mininet`."""

import unittest

from dta_mininet import deployment, topology


def fabrics():
    return [topology.LeafSpine(), topology.FatTree(4), topology.FatTree(6)]


class GeneratedFabrics(unittest.TestCase):
    def linked(self, fabric, a, b):
        return b in fabric.switches[a].ports

    def test_switch_ids_are_unique_and_fit_a_postcard(self):
        for f in fabrics():
            ids = [s.switch_id for s in f.switches.values()]
            self.assertEqual(len(ids), len(set(ids)), f.name)
            self.assertTrue(all(0 < i < 256 for i in ids), f.name)
            addresses = [s.address for s in f.switches.values()] + [h.ip for h in f.hosts.values()]
            self.assertEqual(len(addresses), len(set(addresses)), f.name)

    def test_every_path_follows_links_from_the_source_rack_to_the_destination_rack(self):
        for f in fabrics():
            servers = f.hosts_of("server")
            for src in servers:
                for dst in servers:
                    if src is dst:
                        continue
                    path = f.path(src.name, dst.name)
                    self.assertEqual(src.switch, path[0])
                    self.assertEqual(dst.switch, path[-1])
                    self.assertIn(len(path), (1, 3, 5), (f.name, src.name, dst.name, path))
                    for a, b in zip(path, path[1:]):
                        self.assertTrue(self.linked(f, a, b), (f.name, path))

    def test_every_route_leaves_through_the_port_of_the_neighbour_it_names(self):
        for f in fabrics():
            for name, sw in f.switches.items():
                by_port = {port: n for n, port in sw.ports.items()}
                routes = f.routes(name)
                self.assertEqual(len(f.hosts) + (0 if sw.role == "translator" else 1), len(routes))
                for prefix, port, mac in routes:
                    nxt = by_port[port]
                    self.assertEqual(mac, f.hosts[nxt].mac if nxt in f.hosts else f.switches[nxt].mac, (name, prefix))

    def test_reports_of_every_reporter_reach_the_translator(self):
        for f in fabrics():
            tr = f.translator().name
            for sw in f.reporters():
                node, seen = sw.name, []
                while node != tr:
                    self.assertNotIn(node, seen, (f.name, seen))
                    seen.append(node)
                    port, _ = f.report_path(node)
                    node = {p: n for n, p in f.switches[node].ports.items()}[port]
                self.assertLessEqual(len(seen), 5, (f.name, sw.name, seen))

    def test_fat_tree_k4_has_20_switches_of_at_most_k_ports(self):
        f = topology.FatTree(4)
        roles = [s.role for s in f.switches.values()]
        self.assertEqual(20, len(f.switches))
        self.assertEqual((4, 8, 7, 1), (roles.count("core"), roles.count("aggregation"), roles.count("edge"),
                                        roles.count("translator")))
        self.assertEqual(14, len(f.hosts_of("server")))
        for name, sw in f.switches.items():   # the collectors' rack: 2 collectors and the query host
            self.assertLessEqual(len(sw.ports), 4 if sw.role != "translator" else 2 + 3, name)
        self.assertEqual(45, len(topology.FatTree(6).switches))
        with self.assertRaises(ValueError):
            topology.FatTree(5)

    def test_fat_tree_spreads_flows_over_every_core_switch(self):
        f = topology.FatTree(4)
        used = {s for a in f.hosts_of("server") for b in f.hosts_of("server") if a is not b
                for s in f.path(a.name, b.name) if f.switches[s].role == "core"}
        self.assertEqual({"c1", "c2", "c3", "c4"}, used)

    def test_deployment_rules_give_each_switch_its_hop_and_the_bottleneck_its_queue_depths(self):
        for f in fabrics():
            d = deployment.deployment(f, "/run", "reporter.json", "translator.json")
            self.assertEqual(len(f.reporters()), len(d["reporters"]))
            ip = {h.ip: h.name for h in f.hosts.values()}
            for r in d["reporters"]:
                self.assertLessEqual(len(r["flows"]), 1024, r["name"])    # Egress.dta_flows size
                for rule in r["flows"]:
                    path = f.path(ip[rule["src"]], ip[rule["dst"]])
                    self.assertEqual(path.index(r["name"]), rule["postcard"]["hop"])
                    self.assertEqual(len(path), rule["postcard"]["path-length"])
                    self.assertEqual(rule["postcard"]["hop"] == 0, "bytes" in rule)
                    through = (r["name"], f.next_hop(r["name"], f.hosts[ip[rule["dst"]]])) == f.bottleneck
                    self.assertEqual(through, "queue-depth" in rule, (f.name, r["name"], rule))
                congested = r["name"] == f.bottleneck[0]
                self.assertEqual(congested, "congestion-threshold" in r["events"], r["name"])
            self.assertTrue(any("queue-depth" in rule for r in d["reporters"] for rule in r["flows"]), f.name)

    def test_leaf_spine_and_fat_tree_route_around_a_link_taken_down(self):
        for f in fabrics():
            self.routes_around(f)

    def routes_around(self, f):
        a, b = f.failure_link
        crossing = [(s.name, d.name) for s in f.hosts_of("server") for d in f.hosts_of("server")
                    if s is not d and any({x, y} == {a, b} for x, y in zip(f.path(s.name, d.name), f.path(s.name, d.name)[1:]))]
        self.assertTrue(crossing)
        f.take_down(a, b)
        for s in f.hosts_of("server"):
            for d in f.hosts_of("server"):
                if s is not d:
                    path = f.path(s.name, d.name)
                    self.assertFalse(any({x, y} == {a, b} for x, y in zip(path, path[1:])), (s.name, d.name, path))
        for sw in f.reporters():
            port, _ = f.report_path(sw.name)
            self.assertFalse(sw.name in (a, b) and f.switches[sw.name].ports.get(b if sw.name == a else a) == port)
        with self.assertRaises(ValueError):
            f.take_down(a, "no-such-switch")


if __name__ == "__main__":
    unittest.main()


class SoftwareVariant(unittest.TestCase):
    """The software variant's files: each router's agent gets exactly the P4 reporter's flow rules
    (store names as ids), routes for every host and the translator, and the translator's namespace a
    management link for its P4Runtime server; the deployment has no P4 reporters for it."""

    def software(self, fabric):
        fabric.software = True
        return fabric

    def test_agents_get_the_p4_reporters_rules_with_store_ids(self):
        for f in (self.software(topology.LeafSpine()), self.software(topology.FatTree(4))):
            for sw in f.reporters():
                agent = deployment.agent_config(f, sw.name)
                rules = deployment.flow_rules(f, sw.name)
                self.assertEqual(len(rules), len(agent["flows"]), (f.name, sw.name))
                for rule, a in zip(rules, agent["flows"]):
                    self.assertEqual(rule["src"] + "/32", a["src"])
                    self.assertEqual(rule["postcard"]["hop"], a["postcard"]["hop"])
                    self.assertEqual(deployment.store_id(deployment.PATHS), a["postcard"]["store"])
                    self.assertEqual("bytes" in rule, "bytes" in a)
                    self.assertEqual("queue-depth" in rule, "queue-depth" in a)
                covered = {p.split("/")[0] for p in agent["routes"]}
                self.assertEqual({h.ip for h in f.hosts.values()} | {f.translator().address}, covered, sw.name)
                self.assertEqual(sw.switch_id, agent["switch-id"])

    def test_the_deployment_has_the_software_translator_on_its_management_link_and_no_p4_reporters(self):
        f = self.software(topology.LeafSpine())
        d = deployment.deployment(f, "/run", None, None)
        self.assertEqual([], d["reporters"])
        tr = d["translators"][0]
        self.assertEqual("software", tr["pipeline"])
        self.assertNotIn("device-config", tr)
        mgmt = deployment.management(f)
        self.assertIn(f.translator().name, mgmt)
        self.assertEqual(mgmt[f.translator().name][0], tr["p4runtime"].split(":")[0])
        # the P4 variant's management links are unchanged by the software variant's extra one
        p4 = deployment.management(topology.LeafSpine())
        self.assertEqual(p4, {k: v for k, v in mgmt.items() if k in p4})
