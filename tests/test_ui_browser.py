"""The Airflow UI in headless Chromium, as a data engineer uses it: log in, find every plan DAG with its
documentation, and open a run's grid. Screenshots go to output/screenshots/.

Selenium drives Debian's Chromium and ChromeDriver (packages chromium and chromium-driver). The browser
reaches only the loopback api-server, because every other address goes to a closed local port.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange import settings
from exchange.schedule import MONTHLY_DAG, PLAN_DAGS

from tests.airflow_harness import ADMIN_USER, AirflowApi, airflow_services, database_pair, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
MISSING = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"{', '.join(MISSING)} not found; install with: apt-get install -y chromium chromium-driver",
    ),
]

EXPECTED_DAGS = {*PLAN_DAGS, MONTHLY_DAG}
INTAKE_LOGICAL_DATE = "2023-06-15T12:00:00+07:00"
WAIT_SECONDS = 60
# The api-server keeps a signed-in session's JWT in this cookie (Airflow 3.3's COOKIE_NAME_JWT_TOKEN).
JWT_COOKIE = "_token"


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    folder = tmp_path_factory.mktemp("airflow_ui")
    with database_pair(folder) as env, airflow_services(env) as running:
        yield running


@pytest.fixture(scope="module")
def api(services) -> AirflowApi:
    client = AirflowApi(services.url, services.password)
    assert client.wait_for_dags(EXPECTED_DAGS) == EXPECTED_DAGS
    return client


@pytest.fixture(scope="module")
def intake_run(api) -> dict:
    """A finished submission-intake run, for the grid."""
    run = api.trigger("submission_intake", INTAKE_LOGICAL_DATE)
    finished = api.wait_for_run("submission_intake", run["dag_run_id"])
    assert finished["state"] == "success"
    return finished


@pytest.fixture(scope="module")
def screenshots() -> Path:
    folder = settings.output_root() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # Chromium's sandbox refuses to run as root, which CI is
        "--disable-dev-shm-usage",
        "--window-size=1600,1300",
        # Loopback addresses bypass the proxy; anything else fails at a closed local port.
        f"--proxy-server=http://127.0.0.1:{free_port()}",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium_profile')}",
    ):
        options.add_argument(argument)
    service = webdriver.ChromeService(
        executable_path=str(CHROMEDRIVER),
        log_output=str(tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
        driver = webdriver.Chrome(options=options, service=service)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def visible_dag_ids(driver) -> set[str]:
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, "a[href*='/dags/']")
    return {link.text.strip() for link in links if link.text.strip() in EXPECTED_DAGS}


def login_fields(driver):
    """Return the login form's username and password inputs once both are rendered, else None."""
    from selenium.webdriver.common.by import By

    fields = driver.find_elements(By.CSS_SELECTOR, "input")
    return fields[:2] if len(fields) >= 2 else None


def page_ready(driver):
    """Return the current URL once the page is either the login form or the signed-in UI, else None."""
    from selenium.webdriver.common.by import By

    if "/auth/login" in driver.current_url:
        return driver.current_url if login_fields(driver) else None
    navigation = driver.find_elements(By.CSS_SELECTOR, "nav, [aria-label='Dags']")
    return driver.current_url if navigation else None


def sign_in(driver, password: str) -> None:
    from selenium.webdriver.common.by import By

    username_field, password_field = wait(driver, login_fields, "no login form with username and password")
    username_field.send_keys(ADMIN_USER)
    password_field.send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


@pytest.fixture
def logged_in(browser, services):
    """The browser, signed in through the simple auth manager's login form if it is not already."""
    if browser.current_url.startswith(services.url) and browser.get_cookie(JWT_COOKIE):
        return browser
    browser.get(f"{services.url}/")
    wait(browser, page_ready, "the UI showed neither the login form nor the signed-in pages")
    if "/auth/login" in browser.current_url:
        sign_in(browser, services.password)
        wait(browser, lambda driver: "/auth/login" not in driver.current_url or None,
             "signing in did not leave the login page")
    return browser


def test_ui_redirects_to_login_without_session(browser, services):
    browser.delete_all_cookies()
    browser.get(f"{services.url}/dags")
    wait(browser, page_ready, "the UI showed neither the login form nor the signed-in pages")
    assert "/auth/login" in browser.current_url


def test_login_form_rejects_wrong_password(browser, services):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{services.url}/auth/login")
    sign_in(browser, "not-the-password")
    wait(browser, lambda driver: "Invalid credentials" in driver.find_element(By.TAG_NAME, "body").text
         or None, "no error message for a wrong password")
    assert "/auth/login" in browser.current_url


def test_dag_list_shows_every_plan_dag(logged_in, services, api, screenshots):
    from selenium.webdriver.common.by import By

    logged_in.get(f"{services.url}/dags")
    wait(logged_in, lambda driver: visible_dag_ids(driver) == EXPECTED_DAGS or None,
         f"the DAG list did not show all of {sorted(EXPECTED_DAGS)}")
    logged_in.find_element(By.CSS_SELECTOR, "button[aria-label='Show table view']").click()
    wait(logged_in, lambda driver: visible_dag_ids(driver) == EXPECTED_DAGS or None,
         "the table view did not show every plan DAG")
    logged_in.save_screenshot(str(screenshots / "airflow-dags.png"))

    assert visible_dag_ids(logged_in) == EXPECTED_DAGS
    assert f"{len(EXPECTED_DAGS)} Dags" in logged_in.find_element(By.TAG_NAME, "body").text


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAGS))
def test_dag_page_shows_its_documentation(logged_in, services, api, dag_id):
    from selenium.webdriver.common.by import By

    doc_md = api.get(f"dags/{dag_id}/details")["doc_md"]
    headings = [line.removeprefix("### ").strip() for line in doc_md.splitlines() if line.startswith("### ")]
    title = headings[0]
    logged_in.get(f"{services.url}/dags/{dag_id}")
    docs_buttons = wait(
        logged_in,
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "button[aria-label='Dag Docs']") or None,
        f"{dag_id}: no Dag Docs button",
    )
    docs_buttons[0].click()
    dialog = wait(
        logged_in,
        lambda driver: next((element for element in driver.find_elements(By.CSS_SELECTOR, "[role=dialog]")
                             if "Dag Documentation" in element.text), None),
        f"{dag_id}: the documentation dialog did not open",
    )

    text = dialog.text
    assert title in text
    assert "When:" in text
    assert "What:" in text
    assert dialog.find_element(By.TAG_NAME, "h3").text == title


def test_run_grid_shows_the_successful_task(logged_in, services, intake_run, screenshots):
    from selenium.webdriver.common.by import By

    run_id = intake_run["dag_run_id"]
    logged_in.get(f"{services.url}/dags/submission_intake/runs/{run_id}")
    wait(logged_in, lambda driver: "load_landing_files" in driver.find_element(By.TAG_NAME, "body").text
         and "Success" in driver.find_element(By.TAG_NAME, "body").text or None,
         "the run page did not show the task and its state")
    logged_in.save_screenshot(str(screenshots / "airflow-grid.png"))

    body = logged_in.find_element(By.TAG_NAME, "body").text
    assert run_id in body
    assert "Manual" in body
    assert "load_landing_files" in body
    assert "admin" in body  # the triggering user
