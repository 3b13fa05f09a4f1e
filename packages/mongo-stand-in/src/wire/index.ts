export { MessageFramer } from './message-framer';
export {
  decodeRequest,
  readHeader,
  type MessageHeader,
  type OpMsgRequest,
  type OpQueryRequest,
  type WireRequest,
} from './request-decoder';
export { encodeOpMsgReply, encodeOpReply, type ReplyAddress } from './reply-encoder';
export { DESERIALIZE_OPTIONS, SERIALIZE_OPTIONS } from './bson-codec';
export { WireProtocolError } from './wire-protocol.error';
export * from './wire-protocol';
