// The socket.io side of the benchmark: rooms and a broadcast, nothing else.
//   node socketio-server.js --port 6040
// "join" puts the socket into a room and answers "joined"; "pub" sends its payload to every socket in the room.
// Pings are spaced out far beyond a benchmark run so that no heartbeat traffic is counted as a delivery.
const { Server } = require('socket.io')

const portArg = process.argv.indexOf('--port')
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 6040

const io = new Server(port, {
  transports: ['websocket'],
  serveClient: false,
  pingInterval: 600000,
  pingTimeout: 600000,
  perMessageDeflate: false,
  maxHttpBufferSize: 1e6
})

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    socket.join(room)
    socket.emit('joined')
  })
  socket.on('pub', (room, payload) => {
    io.to(room).emit('msg', payload)
  })
})

console.log(`socket.io ${require('socket.io/package.json').version} listening on ${port}`)
