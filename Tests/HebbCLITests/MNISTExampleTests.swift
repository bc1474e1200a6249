// examples/mnist_kaggle.hebb, the book's chapter 4 and 6 networks on Kaggle's MNIST
// train.csv, run on a 40-row file of the same format (header, label, 784 pixels 0-255)
// generated for the test: Tests/golden/fixtures/mnist_kaggle_format.csv.

import Foundation
import Testing

struct MNISTExampleTests {
    @Test func theMNISTExampleRunsOnAKaggleFormatFile() throws {
        let run = try BinaryRunner.run(
            ["--allow-read", "Tests/golden/fixtures", "examples/mnist_kaggle.hebb"], timeout: 120,
            environment: ["HEBB_MNIST": "Tests/golden/fixtures/mnist_kaggle_format.csv", "HEBB_MNIST_EPOCHS": "10"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "train (30, 784)  test (10, 784)")
        // Chapter 4's cost falls; both nets print their test error (the bars in the
        // generated images make the labels learnable, so chapter 6's net reaches 0).
        let costs = lines.filter { $0.hasPrefix("ch4 epoch") }.compactMap { line in
            line.components(separatedBy: "cost per image ").last?.split(separator: " ").first.flatMap { Double($0) }
        }
        #expect(costs.count == 2 && costs[1] < costs[0], "\(lines)")
        #expect(lines.last == "ch6 epoch 10  test error 0.0000", "\(lines)")
    }

    @Test func withoutTheFileTheErrorNamesIt() throws {
        let run = try BinaryRunner.run(["--allow-read", "data", "examples/mnist_kaggle.hebb"],
                                       environment: ["HEBB_MNIST": "data/no-such-train.csv"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("data/no-such-train.csv"), "\(run.stderr)")
    }
}
