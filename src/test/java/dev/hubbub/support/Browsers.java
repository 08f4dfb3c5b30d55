package dev.hubbub.support;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.ArrayList;
import java.util.List;

/** The headless Chromium windows one browser test opened, so its clean-up quits every one of them. */
public final class Browsers {

  private final List<ChromeDriver> open = new ArrayList<>();

  /** A new window (see {@link Browser#open}), quit by {@link #quitAll}. */
  public ChromeDriver open() {
    ChromeDriver browser = Browser.open();
    open.add(browser);
    return browser;
  }

  /** For a window the test has quit itself. */
  public void forget(WebDriver browser) {
    open.remove(browser);
  }

  public void quitAll() {
    open.forEach(WebDriver::quit);
    open.clear();
  }
}
