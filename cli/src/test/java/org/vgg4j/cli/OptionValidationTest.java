package org.vgg4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every numeric (and every enumerated) option is checked against its documented range before anything is read or
 * written: a value out of range is exit code 2 and one line on stderr naming the option, the range and the value.
 * Before this, {@code --train-limit 0} "trained" to loss 0.0000, {@code --test-limit 0} printed {@code test acc NaN},
 * {@code --train-limit -7} silently used all 60,000 images, {@code --lr -0.001} said only {@code bad Adam(lr=...)},
 * and {@code --image-size 100000032} died of an ArithmeticException with a stack trace.
 */
class OptionValidationTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "train --train-limit 0|--train-limit must be >= 1 (leave it out for all), got 0",
        "train --train-limit -7|--train-limit must be >= 1 (leave it out for all), got -7",
        "train --test-limit 0|--test-limit must be >= 1 (leave it out for all), got 0",
        "train --lr -0.001|--lr must be > 0 and <= 10, got -0.001",
        "train --lr 0|--lr must be > 0 and <= 10, got 0",
        "train --lr NaN|--lr must be > 0 and <= 10, got NaN",
        "train --lr 1e6|--lr must be > 0 and <= 10, got 1000000",
        "train --batch-size 0|--batch-size must be from 1 to 65536, got 0",
        "train --batch-size 100000|--batch-size must be from 1 to 65536, got 100000",
        "train --epochs 0|--epochs must be from 1 to 100000, got 0",
        "train --momentum 1|--momentum must be >= 0 and < 1, got 1",
        "train --optimizer sgd --momentum -0.5|--momentum must be >= 0 and < 1, got -0.5",
        "train --weight-decay -0.1|--weight-decay must be from 0 to 1, got -0.1",
        "train --dropout 1|--dropout must be >= 0 and < 1, got 1",
        "train --ratio 0|--ratio must be from 1 to 64, got 0",
        "train --ratio 65|--ratio must be from 1 to 64, got 65",
        "train --hidden 0|--hidden must be from 1 to 16384, got 0",
        "train --classes 1|--classes must be from 2 to 10000, got 1",
        "train --in-channels 0|--in-channels must be from 1 to 4, got 0",
        "train --image-size 100000032|--image-size must be a multiple of 32 from 32 to 1024 (five 2x2 max-pools halve it five times), got 100000032",
        "train --image-size 100|--image-size must be a multiple of 32 from 32 to 1024 (five 2x2 max-pools halve it five times), got 100; try 96",
        "train --plateau-steps -1|--plateau-steps must be from 0 to 1000000000, got -1",
        "train --progress fancy|unknown --progress 'fancy': use bar, lines or auto",
        "train --optimizer lion|unknown --optimizer 'lion': use adam, adamw or sgd",
        "train --schedule cyclic|unknown --schedule 'cyclic': use constant, step, cosine or onecycle",
        "train --nesterov|--nesterov needs --optimizer sgd with --momentum > 0, got --optimizer adam --momentum 0.9",
        "train --optimizer sgd --momentum 0 --nesterov|--nesterov needs --optimizer sgd with --momentum > 0, got --optimizer sgd --momentum 0.0",
        "train --warmup-steps 10|--warmup-steps applies to --schedule cosine only, got --schedule constant",
        "train --schedule onecycle --min-lr 0.0001|--min-lr applies to --schedule cosine only, got --schedule onecycle",
        "train --schedule cosine --gamma 0.5|--gamma applies to --schedule step only, got --schedule cosine",
        "train --step-size 10|--step-size applies to --schedule step only, got --schedule constant",
        "train --schedule cosine --warmup-steps -1|--warmup-steps must be from 0 to 1000000000, got -1",
        "train --schedule step --step-size 0|--step-size must be from 1 to 1000000000, got 0",
        "train --schedule step --gamma 0|--gamma must be > 0 and <= 1, got 0",
        "train --schedule step --gamma 1.5|--gamma must be > 0 and <= 1, got 1.5",
        "train --schedule cosine --min-lr 0.01|--min-lr must be from 0 to 0.001, got 0.01",
        "train --clip-norm -1|--clip-norm must be from 0 to 1000000, got -1",
        "train --clip-norm NaN|--clip-norm must be from 0 to 1000000, got NaN",
        "train --head-lr 0|--head-lr must be > 0 and <= 10, got 0",
        "train --head-lr 11|--head-lr must be > 0 and <= 10, got 11",
        "train --label-smoothing 1|--label-smoothing must be >= 0 and < 1, got 1",
        "train --label-smoothing -0.1|--label-smoothing must be >= 0 and < 1, got -0.1",
        "train --optimizer adamw --weight-decay 2|--weight-decay must be from 0 to 1, got 2",
        "train --init xavier|unknown --init 'xavier': use torchvision or pytorch",
        "train --dataset cifar|unknown --dataset 'cifar': use fashion-mnist, mnist or folder",
        "train --classes 5|--classes 5 does not match --dataset fashion-mnist, which has 10 classes",
        "train --in-channels 3|--in-channels 3 does not match --dataset fashion-mnist, whose images have 1 channel",
        "train --ratio 1 --image-size 1024|model vgg11 is too large: its tensor fc.1.weight [4096, 524288] would hold 2,147,483,648 values",
        "train --device tpu|unknown device 'tpu': use cpu, gpu, gpu:N or auto",
        "train --lrr 0.1|Unknown options: '--lrr', '0.1'; did you mean --lr? (see 'vgg4j train --help')",
        "train --ratio x|Invalid value for option '--ratio': 'x' is not an int (see 'vgg4j train --help')",
        "summary --image-size 100000032|--image-size must be a multiple of 32 from 32 to 1024",
        "summary --model vgg12_bn|unknown --model 'vgg12_bn': use vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn or vgg19_bn",
        "train --model vgg11bn|unknown --model 'vgg11bn': use vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn or vgg19_bn",
        "summary --layout keras|unknown --layout 'keras': use d2l or torchvision",
        "train --layout keras|unknown --layout 'keras': use d2l or torchvision",
        "summary --layout torchvision --image-size 31|--image-size must be from 32 to 1024 (--layout torchvision: five 2x2 max-pools, then an adaptive pool to 7x7), got 31",
        "summary --layout torchvision --image-size 1025|--image-size must be from 32 to 1024 (--layout torchvision: five 2x2 max-pools, then an adaptive pool to 7x7), got 1025",
        "summary --batch 0|--batch must be from 1 to 65536, got 0",
        "summary --format yaml|unknown --format 'yaml': use table, layers or pytorch",
        "evaluate --checkpoint none.json --batch-size 0|--batch-size must be from 1 to 65536, got 0",
        "evaluate --checkpoint none.json --test-limit 0|--test-limit must be >= 1 (leave it out for all), got 0",
        "predict --checkpoint none.json --top-k 0 x.png|--top-k must be from 1 to 10000, got 0",
        "bench --iterations 0|--iterations must be from 1 to 100000, got 0",
        "bench --loader-augment blur|--loader-augment 'blur': unknown augmentation step 'blur'; use none, crop, flip",
        "train --augment rotate|--augment 'rotate': unknown augmentation step 'rotate'; use none, crop, flip, crop,flip, resized-crop, resized-crop,flip",
        "train --augment crop,resized-crop|--augment 'crop,resized-crop': 'crop' and 'resized-crop' cannot be combined: choose one",
        "train --augment none,flip|--augment 'none,flip': 'none' cannot be combined with other augmentation steps",
        "train --augment flip --crop-padding 2|--crop-padding is for --augment crop (or crop,flip), but --augment is 'flip'",
        "train --crop-padding 2|--crop-padding is for --augment crop (or crop,flip), but --augment is 'none'",
        "train --augment crop --crop-padding 300|--crop-padding must be from 0 to 224, got 300",
        "train --augment crop --image-size 32 --crop-padding -1|--crop-padding must be from 0 to 32, got -1",
        "bench --sizes 100|--sizes: each size must be a multiple of 32 from 32 to 1024, got 100",
    })
    void outOfRangeValuesAreUsageErrorsOfOneLineBeforeAnythingRuns(String args, String message) {
        Path run = dir.resolve("run");
        List<String> argv = new ArrayList<>(List.of(args.split(" ")));
        if (argv.get(0).equals("train")) {
            argv.addAll(List.of("--output", run.toString(), "--data-dir", dir.resolve("nowhere").toString(),
                    "--no-download"));
        }
        CliRun r = CliRun.of(argv.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList()).as(r.err()).singleElement().asString().startsWith("error: ")
                .contains(message).doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
        assertThat(run).doesNotExist();
    }

    @Test
    void aLimitLargerThanTheDataSetIsRefusedOnceItsSizeIsKnown() {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); CI installs it");
        Path run = dir.resolve("run");
        CliRun r = CliRun.of("train", "--image-size", "32", "--train-limit", "70000", "--output", run.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("error: --train-limit must be from 1 to 60000 "
                + "(the training images of fashion-mnist; leave it out for all), got 70000");
        assertThat(run).doesNotExist();
    }
}
