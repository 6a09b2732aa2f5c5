"""DTA fabrics in Mininet: topologies (topology.py), the deployment they generate (deployment.py),
BMv2 switches (bmv2.py), the DTA processes on hosts (services.py), traffic (traffic.py) and the
runner that ties them together (runner.py). docs/mininet.md describes them."""
