"""The query page, an entity page and the ontology page in headless Chromium (Debian's chromium
and chromium-driver, driven by Selenium), against the session's `gdkg serve`.

Skips, saying why, only where no Chromium or chromedriver is installed (.ci/run installs both).
Expected rows: 附件 1 of the 14th FYP (seeds/001): 汽车 is ★★★ in 广州, 深圳, 佛山, and 新能源
is ★★★★ (core) in each of them, so shared-core-cities a=汽车 b=新能源 gives these three.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (test extra)")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM or not DRIVER:
        pytest.skip("no Chromium/chromedriver on this machine (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gdkg-chromium-")
    downloads = tempfile.mkdtemp(prefix="gdkg-downloads-")
    options = Options()
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "download.prompt_for_download": False})
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(downloads, ignore_errors=True)


def wait_for(driver, condition, timeout=15):
    """``condition`` once it holds; on a timeout the page's status line is in the message."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        status = driver.find_elements(By.ID, "status")
        pytest.fail(f"timed out on {driver.current_url}; status line: "
                    f"{status[0].text if status else '(none)'!r}")


def test_named_query_with_parameters(browser, gdkg_server):
    from selenium.webdriver.common.by import By

    browser.get(gdkg_server + "/")
    button = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR,
                                                        'button[data-name="shared-core-cities"]'))
    button.click()
    wait_for(browser, lambda d: d.find_element(By.ID, "param-a"))
    # the editor holds the named query's text, the form its two parameters
    assert "gd:designationLevel gd:CoreLevel" in browser.find_element(By.ID, "sparql").get_attribute("value")
    browser.find_element(By.ID, "param-a").send_keys("汽车")
    browser.find_element(By.ID, "param-b").send_keys("新能源")
    browser.find_element(By.ID, "run").click()
    table = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#result-table tbody"))
    rows = table.find_elements(By.TAG_NAME, "tr")
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#result-table thead th")]
    assert headers == ["?city", "?cityZh", "?cityEn"]
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    # the ?city column shows each IRI's zh label and links to its entity page
    assert [c[0] for c in cells] == ["广州", "深圳", "佛山"]
    assert [c[2] for c in cells] == ["Guangzhou @en", "Shenzhen @en", "Foshan @en"]  # literal, language
    link = rows[1].find_element(By.TAG_NAME, "a")
    assert link.get_attribute("href") == gdkg_server + "/id/city/shenzhen"
    assert "3 rows" in browser.find_element(By.ID, "status").text
    assert browser.find_element(By.ID, "download-csv").is_enabled()
    # switch the labels to English: the same rows, relabelled
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "lang")).select_by_value("en")
    first_column = "#result-table tbody tr td:first-child"
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, first_column)]
    assert cells == ["Guangzhou", "Shenzhen", "Foshan"]
    # download the rows as CSV: the W3C CSV of the same three rows
    browser.find_element(By.ID, "download-csv").click()
    target = Path(browser.downloads) / "shared-core-cities.csv"
    wait_for(browser, lambda d: target.is_file() and target.stat().st_size > 0)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["cityZh"] for r in rows] == ["广州", "深圳", "佛山"]
    assert rows[0]["city"] == "https://w3id.org/gdkg/id/city/guangzhou"


def test_bad_parameter_message_shown(browser, gdkg_server):
    from selenium.webdriver.common.by import By

    browser.get(gdkg_server + "/#query=subfield-cities")
    field = wait_for(browser, lambda d: d.find_element(By.ID, "param-cluster"))
    field.send_keys("新能原")  # a typo: names no cluster
    browser.find_element(By.ID, "run").click()
    status = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#status.error"))
    assert "400" in status.text and "cluster" in status.text and "新能源" in status.text  # closest name


def test_edited_query_runs_through_sparql_endpoint(browser, gdkg_server):
    from selenium.webdriver.common.by import By

    browser.get(gdkg_server + "/")
    editor = wait_for(browser, lambda d: d.find_element(By.ID, "sparql"))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#query-list button"))
    editor.clear()
    editor.send_keys('SELECT ?zh WHERE { ?c a gd:EmergingIndustryCluster ; gd:annexOrder 16 ; '
                     'rdfs:label ?zh FILTER(LANG(?zh) = "zh") }')
    browser.find_element(By.ID, "run").click()
    cell = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#result-table tbody td"))
    assert cell.text.startswith("新能源")  # 附件 1 table 2, row 16


def test_entity_page(browser, gdkg_server):
    from selenium.webdriver.common.by import By

    browser.get(gdkg_server + "/id/city/shenzhen")
    assert browser.find_element(By.TAG_NAME, "h1").text == "深圳 / Shenzhen"
    links = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "table.statements a")}
    # neighbours are links: a cluster it is core for (附件 1: 汽车 ★★★ in 深圳) and its designations
    assert gdkg_server + "/id/cluster/automobiles" in links
    assert any(h.startswith(gdkg_server + "/id/designation/") for h in links)
    sources = browser.find_elements(By.XPATH, "//th[contains(., 'source')]")
    assert sources  # statements carry the source of each neighbour
    # the page's own stylesheet is loaded (it sets the body margin to 0)
    assert browser.execute_script("return getComputedStyle(document.body).margin") == "0px"


def test_ontology_page(browser, gdkg_server):
    from selenium.webdriver.common.by import By

    browser.get(gdkg_server + "/ontology")
    term = browser.find_element(By.ID, "gd-IndustryCluster")
    assert "战略性产业集群" in term.text and "strategic industry cluster" in term.text
    assert "gds:IndustryClusterShape" in term.text
    prop = browser.find_element(By.ID, "gd-designatedCity")
    assert "domain" in prop.text and "range" in prop.text
