// Browser client for the roompeer reference room server: a full mesh, one
// RTCPeerConnection per remote member, same signalling flow as the tutorial.
//
// Query parameters: room (no room -> join form), name, stun (comma list),
// codec (e.g. h264, vp8, vp9, av1: preferred video codec).
//
// For automated tests:
//   window.roompeer = { joined, selfId, peers: {id: RTCPeerConnection}, async stats() }
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const room = params.get('room');
  const name = params.get('name') || 'browser';
  const codec = (params.get('codec') || '').trim().toLowerCase();

  const isLocalPage = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(location.hostname);
  const SEED_STUN = ['stun:stun.l.google.com:19302', 'stun:stun.services.mozilla.com'];
  const stunList = params.has('stun')
    ? params.get('stun').split(',').map((s) => s.trim()).filter(Boolean)
    : (isLocalPage ? [] : SEED_STUN);
  const iceServers = stunList.map((url) => ({ urls: /^(stuns?|turns?):/.test(url) ? url : `stun:${url}` }));

  const peers = {};        // peerId -> RTCPeerConnection
  const pending = {};      // peerId -> ICE candidates received before the remote description
  const names = {};        // peerId -> display name (from usersInRoom)
  const firstFrameMs = {}; // peerId -> performance.now() when framesDecoded first became > 0

  const roompeer = { joined: false, selfId: null, peers, stats, iceServers };
  window.roompeer = roompeer;

  const $ = (id) => document.getElementById(id);
  function status(msg) {
    console.log('[roompeer]', msg);
    $('status').textContent = msg;
  }

  if (!room) {
    // No room yet: show the form and keep stun/codec across the submit.
    const form = $('join');
    for (const key of ['stun', 'codec']) {
      if (!params.has(key)) continue;
      const input = Object.assign(document.createElement('input'), { type: 'hidden', name: key, value: params.get(key) });
      form.appendChild(input);
    }
    form.hidden = false;
    return;
  }

  $('call').hidden = false;
  $('room-name').textContent = room;
  $('user-name').textContent = name;

  const socket = io();
  let localStream = null;

  // ---- video tiles ----------------------------------------------------------
  function tile(id) {
    let fig = document.querySelector(`figure[data-peer-id="${CSS.escape(id)}"]`);
    if (!fig) {
      fig = document.createElement('figure');
      fig.dataset.peerId = id;
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.muted = true;
      fig.append(video, document.createElement('figcaption'));
      $('videos').appendChild(fig);
    }
    fig.querySelector('figcaption').textContent = `${names[id] || '?'} (${id})`;
    return fig;
  }

  function removePeer(id, why) {
    const pc = peers[id];
    if (pc) pc.close();
    delete peers[id];
    delete pending[id];
    delete firstFrameMs[id];
    const fig = document.querySelector(`figure[data-peer-id="${CSS.escape(id)}"]`);
    if (fig) fig.remove();
    if (pc || fig) status(`peer ${id} removed (${why})`);
  }

  // ---- peer connections -----------------------------------------------------
  function preferCodec(pc) {
    if (!codec || !window.RTCRtpReceiver || !RTCRtpReceiver.getCapabilities) return;
    const caps = RTCRtpReceiver.getCapabilities('video');
    const want = `video/${codec}`;
    const preferred = caps ? caps.codecs.filter((c) => c.mimeType.toLowerCase() === want) : [];
    if (!preferred.length) return status(`codec ${codec} not available, using defaults`);
    const rest = caps.codecs.filter((c) => c.mimeType.toLowerCase() !== want);
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track.kind === 'video' && t.setCodecPreferences) t.setCodecPreferences([...preferred, ...rest]);
    }
  }

  function createPeer(id, isOfferer) {
    const pc = new RTCPeerConnection({ iceServers });
    peers[id] = pc;
    pending[id] = pending[id] || [];
    if (localStream) {
      for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
    } else if (isOfferer) {
      // No camera: still offer to receive (explicit so codec preferences can apply).
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    }
    pc.onicecandidate = (e) => {
      if (e.candidate) socket.emit('candidate', { candidate: e.candidate.toJSON(), candidateTo: id });
    };
    pc.ontrack = (e) => {
      const video = tile(id).querySelector('video');
      if (e.streams[0]) {
        video.srcObject = e.streams[0];
      } else {
        if (!video.srcObject) video.srcObject = new MediaStream();
        video.srcObject.addTrack(e.track);
      }
    };
    pc.onconnectionstatechange = () => {
      status(`peer ${id}: ${pc.connectionState}`);
      const gone = pc.connectionState === 'failed' || pc.connectionState === 'closed';
      if (gone && peers[id] === pc) removePeer(id, pc.connectionState);
    };
    return pc;
  }

  async function flushCandidates(id) {
    const pc = peers[id];
    const queue = pending[id] || [];
    pending[id] = [];
    for (const c of queue) {
      try { await pc.addIceCandidate(new RTCIceCandidate(c)); } catch (err) { console.warn('addIceCandidate', err); }
    }
  }

  async function call(id) {
    const pc = createPeer(id, true);
    preferCodec(pc);
    const sdp = await pc.createOffer({ offerToReceiveAudio: true, offerToReceiveVideo: true });
    await pc.setLocalDescription(new RTCSessionDescription(sdp));
    socket.emit('offer', { sdp: { type: sdp.type, sdp: sdp.sdp }, callTo: id });
    status(`offer sent to ${id}`);
  }

  // ---- signalling -----------------------------------------------------------
  socket.on('connect', () => {
    roompeer.selfId = socket.id;
    status(`connected as ${socket.id}`);
  });
  socket.on('disconnect', (reason) => status(`disconnected from room server (${reason})`));

  socket.on('usersInRoom', (members) => {
    if (!Array.isArray(members)) return;
    const first = !roompeer.joined;
    roompeer.joined = true;
    for (const m of members) {
      if (!m || typeof m.id !== 'string' || m.id === socket.id) continue;
      names[m.id] = m.name;
      if (peers[m.id]) tile(m.id); // refresh the label
      // Only the first list after our own join is called; later broadcasts announce
      // newcomers, who call us themselves.
      else if (first) call(m.id).catch((err) => status(`offer to ${m.id} failed: ${err}`));
    }
    if (first) status(`joined ${room}; ${members.length} other member(s)`);
  });

  socket.on('getOffer', async (data) => {
    const id = data && data.callFrom;
    if (!id || !data.sdp) return;
    try {
      const pc = peers[id] || createPeer(id, false); // an existing pc means renegotiation
      await pc.setRemoteDescription(new RTCSessionDescription(data.sdp));
      await flushCandidates(id);
      preferCodec(pc);
      const sdp = await pc.createAnswer({ offerToReceiveAudio: true, offerToReceiveVideo: true });
      await pc.setLocalDescription(new RTCSessionDescription(sdp));
      socket.emit('answer', { sdp: { type: sdp.type, sdp: sdp.sdp }, answerTo: id });
      status(`answer sent to ${id}`);
    } catch (err) {
      status(`answering ${id} failed: ${err}`);
    }
  });

  socket.on('getAnswer', async (data) => {
    const pc = data && peers[data.answerFrom];
    if (!pc || !data.sdp) return;
    try {
      await pc.setRemoteDescription(new RTCSessionDescription(data.sdp));
      await flushCandidates(data.answerFrom);
    } catch (err) {
      status(`answer from ${data.answerFrom} failed: ${err}`);
    }
  });

  socket.on('getCandidate', async (data) => {
    const id = data && data.candidateFrom;
    if (!id || !data.candidate) return;
    const pc = peers[id];
    if (!pc || !pc.remoteDescription) {
      (pending[id] = pending[id] || []).push(data.candidate);
      return;
    }
    try { await pc.addIceCandidate(new RTCIceCandidate(data.candidate)); } catch (err) { console.warn('addIceCandidate', err); }
  });

  socket.on('user_exit', (data) => data && data.id && removePeer(data.id, 'user_exit'));

  // ---- stats ----------------------------------------------------------------
  async function peerStats(id, pc) {
    const s = {
      connectionState: pc.connectionState,
      video: { framesDecoded: 0, frameWidth: 0, frameHeight: 0, bytesReceived: 0 },
      audio: { bytesReceived: 0 },
      firstFrameMs: null,
    };
    const report = await pc.getStats();
    report.forEach((r) => {
      if (r.type !== 'inbound-rtp') return;
      const kind = r.kind || r.mediaType;
      if (kind === 'video') {
        s.video.framesDecoded += r.framesDecoded || 0;
        s.video.frameWidth = Math.max(s.video.frameWidth, r.frameWidth || 0);
        s.video.frameHeight = Math.max(s.video.frameHeight, r.frameHeight || 0);
        s.video.bytesReceived += r.bytesReceived || 0;
      } else if (kind === 'audio') {
        s.audio.bytesReceived += r.bytesReceived || 0;
      }
    });
    if (firstFrameMs[id] === undefined && s.video.framesDecoded > 0) firstFrameMs[id] = Math.round(performance.now());
    s.firstFrameMs = firstFrameMs[id] ?? null;
    return s;
  }

  async function stats() {
    const out = {};
    for (const [id, pc] of Object.entries(peers)) {
      try { out[id] = await peerStats(id, pc); } catch (err) { /* pc closed meanwhile */ }
    }
    return out;
  }

  // Poll every 100 ms until each peer has decoded its first frame.
  setInterval(() => {
    for (const [id, pc] of Object.entries(peers)) {
      if (firstFrameMs[id] === undefined) peerStats(id, pc).catch(() => {});
    }
  }, 100);

  // ---- start ----------------------------------------------------------------
  (async () => {
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 240, height: 240 } });
      $('local-video').srcObject = localStream;
    } catch (err) {
      status(`no camera/microphone (${err.name || err}); joining receive-only`);
    }
    socket.emit('joinRTCRoom', room, { name });
  })();
})();
