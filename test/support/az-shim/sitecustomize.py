# TEST-ONLY SHIM for Debian's azure-cli 2.45 (loaded through PYTHONPATH by test/support/az.ts only).
# Its `az role ...` commands read `RoleDefinitionsOperations.config`, which the packaged
# azure-mgmt-authorization names `_config` (a packaging mismatch of the client, not of the wire;
# see ../shared/PLATFORM.md). This adds the alias when those modules load, and nothing else.
import importlib.abc
import importlib.machinery
import sys

_TARGET = "_role_definitions_operations"


class _AliasConfig(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not (name.startswith("azure.mgmt.authorization.") and name.endswith(_TARGET)):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        original = spec.loader.exec_module

        def exec_module(module):
            original(module)
            cls = getattr(module, "RoleDefinitionsOperations", None)
            if cls is not None and not hasattr(cls, "config"):
                cls.config = property(lambda self: self._config)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _AliasConfig())
