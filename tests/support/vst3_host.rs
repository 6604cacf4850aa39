//! The VST3 host the in-process tests play (`tests/vst3/{bridge,editor,bypass}.rs`): Webstrip's
//! own `GetPluginFactory` → IComponent + IEditController, the host's
//! IComponentHandler recording the edits, an IPlugFrame with the IRunLoop Linux hosts provide, and
//! an audio side (IAudioProcessor with stereo buffers and IParameterChanges).

use std::ffi::c_void;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nice_plug::prelude::Vst3Plugin;
use nice_plug::wrapper::vst3::vst3::Steinberg::Linux::{
    FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait, ITimerHandler,
    TimerInterval,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait, IComponent,
    IComponentHandler, IComponentHandlerTrait, IComponentTrait, IEditController,
    IEditControllerTrait, IParamValueQueue, IParamValueQueueTrait, IParameterChanges,
    IParameterChangesTrait, ParamID, ParamValue, ParameterInfo, ProcessData, ProcessModes_,
    ProcessSetup, SymbolicSampleSizes_,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::{
    FUnknown, IPlugFrame, IPlugFrameTrait, IPlugView, IPlugViewTrait, IPluginBaseTrait,
    IPluginFactory, IPluginFactoryTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultFalse,
    kResultOk, tresult,
};
use nice_plug::wrapper::vst3::vst3::{Class, ComPtr, ComRef, ComWrapper, Interface};

/// One initialized Webstrip instance, with the host's IComponentHandler set.
pub struct Plugin {
    pub component: ComPtr<IComponent>,
    pub controller: ComPtr<IEditController>,
    pub handler: ComWrapper<Handler>,
}

impl Plugin {
    /// factory → component (+ controller, the same object) → `initialize` → handler.
    pub fn create() -> Self {
        let factory = unsafe {
            ComPtr::<IPluginFactory>::from_raw(webstrip::GetPluginFactory() as *mut IPluginFactory)
        }
        .unwrap();
        let class_id = webstrip::Webstrip::VST3_CLASS_ID.map(|b| b as i8);
        let mut object: *mut c_void = std::ptr::null_mut();
        let result = unsafe {
            factory.createInstance(
                class_id.as_ptr(),
                IComponent::IID.as_ptr() as *const i8,
                &mut object,
            )
        };
        assert_eq!(result, kResultOk);
        let component =
            unsafe { ComPtr::<IComponent>::from_raw(object as *mut IComponent) }.unwrap();
        assert_eq!(
            unsafe { component.initialize(std::ptr::null_mut::<FUnknown>()) },
            kResultOk
        );
        let controller: ComPtr<IEditController> = component.cast().unwrap();
        let handler = ComWrapper::new(Handler::default());
        let handler_ptr = handler.to_com_ptr::<IComponentHandler>().unwrap();
        assert_eq!(
            unsafe { controller.setComponentHandler(handler_ptr.as_ptr()) },
            kResultOk
        );
        Self {
            component,
            controller,
            handler,
        }
    }

    /// The editor's view (X11 embedding supported), with the host's frame and run loop set.
    pub fn open_view(&self) -> (ComPtr<IPlugView>, ComWrapper<Frame>) {
        let view = unsafe {
            ComPtr::<IPlugView>::from_raw(self.controller.createView(c"editor".as_ptr()))
        }
        .expect("the plugin has an editor");
        assert_eq!(
            unsafe { view.isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID) },
            kResultOk
        );
        let frame = ComWrapper::new(Frame::default());
        let frame_ptr = frame.to_com_ptr::<IPlugFrame>().unwrap();
        assert_eq!(unsafe { view.setFrame(frame_ptr.as_ptr()) }, kResultOk);
        (view, frame)
    }
}

/// The host's audio side of a [`Plugin`]: set up for stereo at `sample_rate`, active and
/// processing until dropped.
pub struct Audio {
    pub processor: ComPtr<IAudioProcessor>,
    component: ComPtr<IComponent>,
    max_block: usize,
}

impl Audio {
    /// setupProcessing (realtime, 32-bit, blocks up to `max_block`) → setActive → setProcessing.
    pub fn start(plugin: &Plugin, sample_rate: f64, max_block: usize) -> Self {
        let processor: ComPtr<IAudioProcessor> = plugin.component.cast().unwrap();
        let mut setup = ProcessSetup {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            maxSamplesPerBlock: max_block as i32,
            sampleRate: sample_rate,
        };
        assert_eq!(unsafe { processor.setupProcessing(&mut setup) }, kResultOk);
        assert_eq!(unsafe { plugin.component.setActive(1) }, kResultOk);
        let audio = Self {
            processor,
            component: plugin.component.clone(),
            max_block,
        };
        audio.set_processing(true);
        audio
    }

    /// `IAudioProcessor::setProcessing`.
    pub fn set_processing(&self, on: bool) {
        assert_eq!(
            unsafe { self.processor.setProcessing(u8::from(on)) },
            kResultOk
        );
    }

    /// One process call on `input` (one slice per channel, all one length), with `changes` as its
    /// input parameter changes; returns the output.
    pub fn process(&self, input: &[&[f32]; 2], changes: &ParamChanges) -> [Vec<f32>; 2] {
        let len = input[0].len();
        assert!(len <= self.max_block && input[1].len() == len);
        let mut ins: Vec<Vec<f32>> = input.iter().map(|c| c.to_vec()).collect();
        let mut outs = [vec![0.0f32; len], vec![0.0f32; len]];
        let mut in_ptrs: Vec<*mut f32> = ins.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut out_ptrs: Vec<*mut f32> = outs.iter_mut().map(|c| c.as_mut_ptr()).collect();
        let mut in_bus = AudioBusBuffers {
            numChannels: 2,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: in_ptrs.as_mut_ptr(),
            },
        };
        let mut out_bus = AudioBusBuffers {
            numChannels: 2,
            silenceFlags: 0,
            __field0: AudioBusBuffers__type0 {
                channelBuffers32: out_ptrs.as_mut_ptr(),
            },
        };
        let changes = changes.to_com_ptr();
        let mut data = ProcessData {
            processMode: ProcessModes_::kRealtime as i32,
            symbolicSampleSize: SymbolicSampleSizes_::kSample32 as i32,
            numSamples: len as i32,
            numInputs: 1,
            numOutputs: 1,
            inputs: &mut in_bus,
            outputs: &mut out_bus,
            inputParameterChanges: changes.as_ptr(),
            outputParameterChanges: std::ptr::null_mut(),
            inputEvents: std::ptr::null_mut(),
            outputEvents: std::ptr::null_mut(),
            processContext: std::ptr::null_mut(),
        };
        assert_eq!(unsafe { self.processor.process(&mut data) }, kResultOk);
        outs
    }
}

impl Drop for Audio {
    fn drop(&mut self) {
        unsafe {
            self.processor.setProcessing(0);
            self.component.setActive(0);
        }
    }
}

/// One process call's input parameter changes: per parameter, (sample offset, value) points.
#[derive(Clone, Default)]
pub struct ParamChanges(pub Vec<(ParamID, Vec<(i32, f64)>)>);

impl ParamChanges {
    /// No change.
    pub fn none() -> Self {
        Self::default()
    }

    /// One parameter set to `value` at the start of the block.
    pub fn set(id: ParamID, value: f64) -> Self {
        Self(vec![(id, vec![(0, value)])])
    }

    /// The host's IParameterChanges for these (its queues made up front: the plugin reads them
    /// inside `process`, where nothing may allocate).
    fn to_com_ptr(&self) -> ComPtr<IParameterChanges> {
        let queues = self
            .0
            .iter()
            .map(|(id, points)| {
                ComWrapper::new(Queue {
                    id: *id,
                    points: points.clone(),
                })
                .to_com_ptr::<IParamValueQueue>()
                .unwrap()
            })
            .collect();
        ComWrapper::new(Changes(queues))
            .to_com_ptr::<IParameterChanges>()
            .unwrap()
    }
}

struct Changes(Vec<ComPtr<IParamValueQueue>>);

impl Class for Changes {
    type Interfaces = (IParameterChanges,);
}

impl IParameterChangesTrait for Changes {
    unsafe fn getParameterCount(&self) -> i32 {
        self.0.len() as i32
    }
    unsafe fn getParameterData(&self, index: i32) -> *mut IParamValueQueue {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.0.get(i))
            .map_or(std::ptr::null_mut(), |q| q.as_ptr())
    }
    unsafe fn addParameterData(
        &self,
        _id: *const ParamID,
        _index: *mut i32,
    ) -> *mut IParamValueQueue {
        std::ptr::null_mut()
    }
}

struct Queue {
    id: ParamID,
    points: Vec<(i32, f64)>,
}

impl Class for Queue {
    type Interfaces = (IParamValueQueue,);
}

impl IParamValueQueueTrait for Queue {
    unsafe fn getParameterId(&self) -> ParamID {
        self.id
    }
    unsafe fn getPointCount(&self) -> i32 {
        self.points.len() as i32
    }
    unsafe fn getPoint(&self, index: i32, offset: *mut i32, value: *mut ParamValue) -> tresult {
        match usize::try_from(index).ok().and_then(|i| self.points.get(i)) {
            Some(&(at, v)) => {
                unsafe {
                    *offset = at;
                    *value = v;
                }
                kResultOk
            }
            None => kResultFalse,
        }
    }
    unsafe fn addPoint(&self, _offset: i32, _value: ParamValue, _index: *mut i32) -> tresult {
        kResultFalse
    }
}

/// What the host's IComponentHandler received.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Begin(u32),
    Perform(u32, f64),
    End(u32),
}

impl Edit {
    pub fn id(&self) -> u32 {
        match *self {
            Edit::Begin(id) | Edit::Perform(id, _) | Edit::End(id) => id,
        }
    }
}

#[derive(Default)]
pub struct Handler {
    edits: Mutex<Vec<Edit>>,
}

impl Class for Handler {
    type Interfaces = (IComponentHandler,);
}

impl IComponentHandlerTrait for Handler {
    unsafe fn beginEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::Begin(id));
        kResultOk
    }
    unsafe fn performEdit(&self, id: ParamID, value: ParamValue) -> tresult {
        self.edits.lock().unwrap().push(Edit::Perform(id, value));
        kResultOk
    }
    unsafe fn endEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::End(id));
        kResultOk
    }
    unsafe fn restartComponent(&self, _flags: i32) -> tresult {
        kResultOk
    }
}

impl Handler {
    pub fn take(&self) -> Vec<Edit> {
        std::mem::take(&mut *self.edits.lock().unwrap())
    }
}

/// The host's window frame and run loop: the plugin registers an event handler and its socket;
/// [`Frame::pump`] is the host's UI loop (the test's main thread), calling a handler when its
/// socket is readable.
#[derive(Default)]
pub struct Frame {
    /// Registered handlers (not owned: the plugin unregisters them) and their sockets.
    pub handlers: Mutex<Vec<(usize, FileDescriptor)>>,
    /// `resizeView` requests (width, height), refused.
    pub resizes: Mutex<Vec<(i32, i32)>>,
}

impl Class for Frame {
    type Interfaces = (IPlugFrame, IRunLoop);
}

impl IPlugFrameTrait for Frame {
    unsafe fn resizeView(&self, _view: *mut IPlugView, new_size: *mut ViewRect) -> tresult {
        let rect = unsafe { &*new_size };
        self.resizes
            .lock()
            .unwrap()
            .push((rect.right - rect.left, rect.bottom - rect.top));
        kResultFalse
    }
}

impl IRunLoopTrait for Frame {
    unsafe fn registerEventHandler(
        &self,
        handler: *mut IEventHandler,
        fd: FileDescriptor,
    ) -> tresult {
        self.handlers.lock().unwrap().push((handler as usize, fd));
        kResultOk
    }
    unsafe fn unregisterEventHandler(&self, handler: *mut IEventHandler) -> tresult {
        self.handlers
            .lock()
            .unwrap()
            .retain(|(h, _)| *h != handler as usize);
        kResultOk
    }
    unsafe fn registerTimer(&self, _handler: *mut ITimerHandler, _ms: TimerInterval) -> tresult {
        kResultOk
    }
    unsafe fn unregisterTimer(&self, _handler: *mut ITimerHandler) -> tresult {
        kResultOk
    }
}

impl Frame {
    /// One turn of the host's UI loop that calls every registered handler, readable or not.
    pub fn run_loop(&self) {
        let handlers = self.handlers.lock().unwrap().clone();
        for (handler, fd) in handlers {
            let handler = unsafe { ComRef::from_raw(handler as *mut IEventHandler) }.unwrap();
            unsafe { handler.onFDIsSet(fd) };
        }
    }

    /// The host's UI loop for `duration`: polls the registered sockets and calls the handlers of
    /// the readable ones.
    pub fn pump(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            let handlers = self.handlers.lock().unwrap().clone();
            let mut fds: Vec<libc::pollfd> = handlers
                .iter()
                .map(|&(_, fd)| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let wait = (deadline - now).min(Duration::from_millis(10));
            // SAFETY: polls a live array of pollfd.
            let ready = unsafe {
                libc::poll(
                    fds.as_mut_ptr(),
                    fds.len() as libc::nfds_t,
                    wait.as_millis() as i32,
                )
            };
            if ready <= 0 {
                continue;
            }
            for (&(handler, fd), polled) in handlers.iter().zip(&fds) {
                if polled.revents & libc::POLLIN != 0 {
                    let handler =
                        unsafe { ComRef::from_raw(handler as *mut IEventHandler) }.unwrap();
                    unsafe { handler.onFDIsSet(fd) };
                }
            }
        }
    }
}

/// The VST3 id of the parameter titled `title`.
pub fn param_id(controller: &ComPtr<IEditController>, title: &str) -> u32 {
    let count = unsafe { controller.getParameterCount() };
    (0..count)
        .find_map(|i| {
            let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { controller.getParameterInfo(i, &mut info) },
                kResultOk
            );
            let end = info
                .title
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(info.title.len());
            (String::from_utf16_lossy(&info.title[..end]) == title).then_some(info.id)
        })
        .unwrap()
}
