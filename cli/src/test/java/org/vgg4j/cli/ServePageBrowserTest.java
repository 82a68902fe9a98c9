package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vgg4j.datasets.FashionMnist;

/**
 * The drop-an-image page in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver (nothing is downloaded: the driver and browser paths are given, so Selenium Manager is never asked).
 * It opens the page of a real {@code vgg4j serve} process, chooses a Fashion-MNIST test image saved as a PNG, and
 * reads the top class and probability the page shows, which must be exactly what {@code vgg4j predict} prints for the
 * same file and checkpoint (and for the same test image by index); the image as the model sees it must be shown at
 * the model's size.
 */
class ServePageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void thePageShowsWhatPredictPrintsForTheSameImage() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver); CI installs them");
        ServeFixtures.assumeFashionMnist();
        Path cp = ServeFixtures.checkpoint(dir, 3);
        Path png = ServeFixtures.testImagePng(dir, 0);

        CliRun predict = CliRun.of("predict", "--checkpoint", cp.toString(), "--backend", "onnx", "--top-k", "1",
                png.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        String expected = predict.out().trim(); // "<file>:  <class> <probability with 4 decimals>"
        assertThat(expected).startsWith(png + ":  ");
        // The PNG holds test image 0's bytes, and the decoder reads them exactly: predict --index agrees too.
        CliRun index = CliRun.of("predict", "--checkpoint", cp.toString(), "--backend", "onnx", "--top-k", "1",
                "--index", "0", "--data-dir", FashionMnist.DEBIAN_DIR.toString());
        assertThat(index.exit()).as(index.err()).isZero();
        assertThat(index.out().trim().substring(index.out().trim().indexOf(":  ")))
                .isEqualTo(expected.substring(expected.indexOf(":  ")));

        try (ServeFixtures.ServeProcess serve = ServeFixtures.ServeProcess.start("--model", "fashion=" + cp,
                "--backend", "onnx")) {
            WebDriver browser = chromium(dir.resolve("profile"));
            try {
                browser.get(serve.uri().toString());
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                wait.until(d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
                assertThat(browser.findElement(By.id("model")).getAttribute("value")).isEqualTo("fashion");
                browser.findElement(By.id("file")).sendKeys(png.toString());
                wait.until(d -> List.of("done", "error").contains(
                        d.findElement(By.tagName("body")).getAttribute("data-state")));
                assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
                List<WebElement> rows = browser.findElements(By.cssSelector("#top li.prediction"));
                assertThat(rows).hasSize(5);
                String shownClass = rows.get(0).findElement(By.className("class")).getText();
                String shownProbability = rows.get(0).findElement(By.className("probability")).getText();
                assertThat(png + ":  " + shownClass + " " + shownProbability).isEqualTo(expected);
                assertThat(browser.findElement(By.id("file-name")).getText()).isEqualTo(png.getFileName().toString());
                WebElement seen = browser.findElement(By.id("seen"));
                wait.until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", seen)));
                Object size = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                        "return arguments[0].naturalWidth + 'x' + arguments[0].naturalHeight", seen);
                assertThat(size).isEqualTo("32x32");
                Path shot = Path.of("target", "serve-page.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }

    /** Headless Chromium through the system chromedriver, with a fresh profile and no network of its own. */
    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1100,800", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
