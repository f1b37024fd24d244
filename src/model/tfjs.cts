// TensorFlow.js, loaded with require(). Its packages are CommonJS bundles, and an ES module importing one makes
// Node scan the whole bundle's source for its export names first (cjs-module-lexer): ~0.2 s of start-up for
// @tensorflow/tfjs alone, in every command that forecasts or trains, against ~0.1 s to require it. This module is
// CommonJS so that it can require them; its own exports are plain `exports.x =` assignments, which that scan
// reads without following them into the bundles.
/* eslint-disable @typescript-eslint/no-require-imports -- requiring is this module's whole point (above) */
import tf = require('@tensorflow/tfjs');
import tfjsWasm = require('@tensorflow/tfjs-backend-wasm');

export { tf, tfjsWasm };
