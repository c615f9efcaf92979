#!/usr/bin/env python3
"""bench/cvrfgen.py OUT.json: a synthetic month of MSRC CVRF, shaped like a real one.

14 Windows releases in four variants each (56 products) and 91 others (Office, .NET,
SharePoint, Visual Studio, Microsoft 365 Apps); 110 CVEs: 80 Windows ones, each with a
Security Update and a release-notes row per Windows release, and 30 others with 20
remediations each; notes and threats padded as a real document's are.  Seeded: the same
bytes every run.  For bench/cvrfsize: what hotpatchctl sends of such a month.
"""
import json
import random
import sys

random.seed(7)
WIN = ["Windows 10 Version 1607 for x64-based Systems", "Windows 10 Version 1809 for x64-based Systems",
       "Windows 10 Version 21H2 for x64-based Systems", "Windows 10 Version 22H2 for x64-based Systems",
       "Windows 11 Version 22H2 for x64-based Systems", "Windows 11 Version 23H2 for x64-based Systems",
       "Windows 11 Version 24H2 for x64-based Systems", "Windows 11 Version 25H2 for x64-based Systems",
       "Windows Server 2012 R2", "Windows Server 2016", "Windows Server 2019", "Windows Server 2022",
       "Windows Server 2022, 23H2 Edition (Server Core installation)", "Windows Server 2025"]
VARIANTS = ["", " (Server Core installation)", " ARM64", " 32-bit"]
OTHER = (["Microsoft Office LTSC 2024 for %d-bit editions" % b for b in (32, 64)]
         + ["Microsoft .NET Framework 4.8.1 on " + w for w in WIN]
         + ["Microsoft SharePoint Server Subscription Edition"]
         + ["Microsoft Visual Studio 2022 version 17.%d" % i for i in range(14)]
         + ["Microsoft 365 Apps for Enterprise %d" % i for i in range(60)])

names = [w + v for w in WIN for v in VARIANTS] + OTHER
tree = [{"ProductID": str(10000 + i), "Value": n} for i, n in enumerate(names)]
pid = {t["Value"]: t["ProductID"] for t in tree}
vulns = []
for c in range(110):
    rems = []
    if c < 80:
        for k, w in enumerate(WIN):
            ids = [pid[w + v] for v in VARIANTS]
            kb = 5070000 + k
            rems.append({"Description": {"Value": str(kb)}, "ProductID": ids, "SubType": "Security Update",
                         "FixedBuild": "10.0.%d.%d" % (19000 + k * 500, 7000 + k), "Type": 2,
                         "URL": "https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB%d" % kb,
                         "Supercedence": "5066000", "RestartRequired": {"Value": "Yes"}})
            rems.append({"Description": {"Value": "Release Notes"}, "ProductID": ids, "Type": 1,
                         "URL": "https://support.microsoft.com/help/%d" % kb})
    else:
        for n in random.sample(OTHER, 20):
            rems.append({"Description": {"Value": str(5002000 + random.randint(0, 300))},
                         "ProductID": [pid[n]], "SubType": "Security Update",
                         "FixedBuild": "16.0.%d" % random.randint(1000, 9999), "Type": 2})
    vulns.append({"Title": {"Value": "Vulnerability %d" % c}, "CVE": "CVE-2026-%d" % (60000 + c),
                  "Notes": [{"Title": "Description", "Type": 2, "Value": "x" * 600}],
                  "Threats": [{"Type": 3, "Description": {"Value": "Publicly Disclosed:No;Exploited:No"},
                               "ProductID": list(pid.values())[:30]}] * 3,
                  "Remediations": rems})
doc = {"DocumentTitle": {"Value": "November 2026 Security Updates"},
       "DocumentTracking": {"Identification": {"ID": {"Value": "2026-Nov"}}},
       "ProductTree": {"FullProductName": tree}, "Vulnerability": vulns}
with open(sys.argv[1], "w") as f:
    json.dump(doc, f)
