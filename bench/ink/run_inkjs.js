// Runs branching.ink with inkjs for bench/peer.py; prints JSON on stdout.
//
//   node run_inkjs.js INKJS_DIR measure SOURCE.ink OUT.json STEPS LOADS
//     compiles SOURCE.ink (timed, LOADS times), writes the compiled story to OUT.json,
//     loads it (timed, LOADS times) and plays it, timing STEPS choices: each is
//     ChooseChoiceIndex + ContinueMaximally, one answer in and the next step out.
//   node run_inkjs.js INKJS_DIR first COMPILED.json
//     loads the compiled story and prints its text up to the first choice, for the
//     start-up comparison.
//
// The choice policy is the one bench/steps.py gives coach: the second option on every
// third step, else the first.
"use strict";

const fs = require("fs");
const path = require("path");

const [inkjsDir, mode, ...rest] = process.argv.slice(2);
const ink = require(path.join(inkjsDir, "dist", "ink-full.js"));

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function compile(source) {
  const compiler = new ink.Compiler(source);
  const story = compiler.Compile();
  if (compiler.errors.length) {
    throw new Error(compiler.errors.join("\n"));
  }
  return story.ToJson();
}

function measure(sourcePath, outPath, steps, loads) {
  const source = fs.readFileSync(sourcePath, "utf8");
  const compileTimes = [];
  let json = "";
  for (let i = 0; i <= loads; i++) {
    const start = process.hrtime.bigint();
    json = compile(source);
    if (i > 0) compileTimes.push(seconds(start)); // the first one warms up
  }
  fs.writeFileSync(outPath, json);
  const loadTimes = [];
  let story = null;
  for (let i = 0; i <= loads; i++) {
    const start = process.hrtime.bigint();
    story = new ink.Story(json);
    if (i > 0) loadTimes.push(seconds(start));
  }
  const stepTimes = [];
  let finished = 0;
  let firstLength = 0;
  story.ContinueMaximally();
  while (stepTimes.length < steps || finished === 0) {
    const choices = story.currentChoices;
    if (choices.length === 0) {
      finished += 1;
      firstLength = firstLength || stepTimes.length;
      story.ResetState();
      story.ContinueMaximally();
      continue;
    }
    const wanted = stepTimes.length % 3 ? 0 : 1;
    const start = process.hrtime.bigint();
    story.ChooseChoiceIndex(Math.min(wanted, choices.length - 1));
    story.ContinueMaximally();
    story.currentChoices.map((choice) => choice.text); // the next step, as shown
    stepTimes.push(seconds(start));
  }
  return {
    compile_s: compileTimes,
    load_s: loadTimes,
    step_s: stepTimes,
    steps_per_playthrough: firstLength,
    json_bytes: json.length,
  };
}

function first(compiledPath) {
  const story = new ink.Story(fs.readFileSync(compiledPath, "utf8"));
  process.stdout.write(story.ContinueMaximally());
  story.currentChoices.forEach((choice, i) => process.stdout.write(`${i + 1}. ${choice.text}\n`));
  setInterval(() => {}, 1000); // wait, as a program waiting for its user would
}

if (mode === "measure") {
  const [sourcePath, outPath, steps, loads] = rest;
  const result = measure(sourcePath, outPath, Number(steps), Number(loads));
  process.stdout.write(JSON.stringify(result) + "\n");
} else if (mode === "first") {
  first(rest[0]);
} else {
  throw new Error(`unknown mode ${mode}`);
}
