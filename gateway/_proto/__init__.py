"""Generated Python code for the gRPC contract in ``proto/jjj/footprint/v1/``.

Import the modules directly (``from gateway._proto import exchange_pb2``). Do not edit the
``*_pb2*`` modules: change the ``.proto`` files and run ``python -m gateway._proto.regenerate``;
``tests/proto`` fails when they are out of date.
"""

DOMAIN = "jjj.footprint.v1"

__all__ = ["DOMAIN"]
