#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm install builds it via "prepare").
import '../dist/src/cli.js';
