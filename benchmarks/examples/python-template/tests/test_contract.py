"""Tests of the contract helpers (standard library only)."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from telcosynth_template import contract  # noqa: E402


class ManifestTest(unittest.TestCase):
    def test_written_last_and_whole(self):
        with tempfile.TemporaryDirectory() as out:
            contract.write_manifest(
                out, "microdata", "district", 3600, pseudonym_columns=["cdr.served_msisdn"]
            )
            self.assertEqual(os.listdir(out), ["manifest.json"])
            m = json.load(open(os.path.join(out, "manifest.json")))
            self.assertEqual(m["contract_version"], 1)
            self.assertEqual(m["pseudonym_columns"], ["cdr.served_msisdn"])
            self.assertIsNone(m["suppression"])
            self.assertNotIn("privacy_claim", m)

    def test_what_the_contract_refuses_is_refused_here(self):
        with tempfile.TemporaryDirectory() as out:
            for args in [
                ("tables", "district", 3600),
                ("aggregates", "county", 3600),
                ("aggregates", "district", 0),
            ]:
                with self.assertRaises(ValueError):
                    contract.write_manifest(out, *args)
            with self.assertRaises(ValueError):
                contract.write_manifest(out, "microdata", "cell", 1, pseudonym_columns=["msisdn"])
            self.assertEqual(os.listdir(out), [])

    def test_local_days_start_at_local_midnight(self):
        # 2025-01-09 16:00 UTC is 2025-01-10 00:00 in Malaysia.
        self.assertEqual(contract.local_day(1736438400), 1736438400)
        self.assertEqual(contract.local_day(1736438400 + 86399), 1736438400)
        self.assertEqual(contract.local_day(1736438399), 1736438400 - 86400)


if __name__ == "__main__":
    unittest.main()
