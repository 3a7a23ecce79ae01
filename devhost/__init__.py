"""The local Spin-compatible host is Node (see README.md here); this file only makes devhost/ a Python
package, so that its tests import as `devhost.tests` and neither pytest nor mypy takes devhost/tests
for a second top-level `tests` package beside the service's."""
