// Preloaded into dynalite (node --require): when a client resets its connection in the
// middle of a request, as a SIGKILLed task process does, dynalite's request error handler
// throws the error (architect/dynalite#183) and the uncaught exception ends the server.
// Here such connection errors are logged and dropped; any other uncaught error still ends
// the process, with its stack in the log.
'use strict'

const connectionErrors = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

process.on('uncaughtException', (err) => {
  if (err && connectionErrors.has(err.code)) {
    console.error('dynalite: a client connection ended in the middle of a request: ' + err.message)
    return
  }
  console.error(err)
  process.exit(1)
})
